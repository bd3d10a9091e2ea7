using System.CommandLine;

namespace ToolCatalog.Generator.Cli;

/// <summary>Options several commands share, built fresh for each command (an option belongs to one parent).</summary>
internal static class CommonOptions
{
    public static Option<string> Api(bool required) => ValidatedUrl(new Option<string>("--api")
    {
        Description = "Base URL of the catalog API, e.g. http://localhost:5080",
        Required = required,
    });

    public static Option<string> ApiKey() => new("--api-key")
    {
        Description = $"API key with the write role (default: the {CliContext.ApiKeyVariable} environment variable)",
    };

    public static Option<string> Format(string description, params string[] formats)
    {
        var option = new Option<string>("--format")
        {
            Description = description,
            DefaultValueFactory = _ => formats[0],
        };
        option.AcceptOnlyFromAmong(formats);
        return option;
    }

    private static Option<string> ValidatedUrl(Option<string> option)
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value is not null && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            {
                result.AddError($"{option.Name}: '{value}' is not an absolute http(s) URL");
            }
        });
        return option;
    }
}
