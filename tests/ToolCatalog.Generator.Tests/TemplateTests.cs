using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Yaml;
using ToolCatalog.Generator.Templates;
using ToolCatalog.Generator.Tests.Infrastructure;

namespace ToolCatalog.Generator.Tests;

/// <summary>Every template renders to a complete, valid tool for a range of names and settings.</summary>
public sealed class TemplateTests
{
    private static readonly DateOnly Today = new(2025, 6, 30);

    public static TheoryData<string, string> TemplatesAndNames()
    {
        var data = new TheoryData<string, string>();
        foreach (var template in TemplateRenderer.Names)
        {
            foreach (var name in (string[])["nginx_ctl", "aws.s3-sync", "X", "tool-" + new string('a', 95)])
            {
                data.Add(template, name);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TemplatesAndNames))]
    public void Every_template_renders_a_valid_tool_without_warnings(string templateName, string toolName)
    {
        var template = TemplateRenderer.Get(templateName);

        var rendered = TemplateRenderer.Render(template, toolName, new Dictionary<string, string>(), Today);
        var parsed = CatalogDirectory.ParseFile(rendered.Yaml, rendered.RelativePath);

        Assert.True(parsed.IsValid, string.Join("\n", parsed.Problems));
        Assert.Empty(parsed.Problems);
        Assert.Equal(YamlWriter.SchemaHint, rendered.Yaml.Split('\n')[0]);
        Assert.DoesNotContain("{{", rendered.Yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("# template:", rendered.Yaml, StringComparison.Ordinal);
        Assert.Equal(toolName, parsed.Tool!.Name);
        Assert.Equal(template.DefaultPlatform, parsed.Tool.Platform);
        Assert.True(parsed.Tool.Capabilities.Count >= 2, "a template shows more than one capability");
        Assert.Contains(parsed.Tool.Capabilities.SelectMany(c => c.Patterns), p => p.RequiresApproval == false);
    }

    [Fact]
    public void There_are_five_templates_each_with_a_summary_and_its_own_platform_and_category()
    {
        Assert.Equal(["simple_command", "api_tool", "database_tool", "monitoring_tool", "automation_tool"], TemplateRenderer.All.Select(t => t.Name));
        Assert.All(TemplateRenderer.All, t => Assert.False(string.IsNullOrWhiteSpace(t.Summary)));
        Assert.Equal(5, TemplateRenderer.All.Select(t => (t.DefaultPlatform, t.DefaultCategory)).Distinct().Count());
    }

    [Fact]
    public void Settings_fill_placeholders_verbatim_even_with_quotes_colons_and_newlines()
    {
        var description = "Charges on the \"payments\" API: list, refund\nand more \\ escapes # not a comment";
        var settings = new Dictionary<string, string>
        {
            ["description"] = description,
            ["platform"] = "custom",
            ["category"] = "automation",
            ["version"] = "2.1.0-beta.1",
            ["base_url"] = "https://payments.example.com/v2",
        };

        var rendered = TemplateRenderer.Render(TemplateRenderer.Get("api_tool"), "payments_api", settings, Today);
        var parsed = CatalogDirectory.ParseFile(rendered.Yaml, rendered.RelativePath);

        Assert.True(parsed.IsValid, string.Join("\n", parsed.Problems));
        Assert.Equal("custom/payments_api.yaml", rendered.RelativePath);
        var tool = parsed.Tool!;
        Assert.Equal((description, "custom", "automation", "2.1.0-beta.1"), (tool.Description, tool.Platform, tool.Category, tool.Version));
        Assert.Contains("https://payments.example.com/v2", tool.Capabilities[0].Description, StringComparison.Ordinal);
        Assert.Contains("\"2025-06-30\"", rendered.Yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void A_setting_that_is_not_a_placeholder_sets_that_field_of_the_document()
    {
        var settings = new Dictionary<string, string> { ["status"] = "testing", ["enabled"] = "false", ["metadata.author"] = "sre-team" };

        var rendered = TemplateRenderer.Render(TemplateRenderer.Get("simple_command"), "ctl", settings, Today);
        var parsed = CatalogDirectory.ParseFile(rendered.Yaml, rendered.RelativePath);

        Assert.True(parsed.IsValid, string.Join("\n", parsed.Problems));
        Assert.Equal(("testing", false), (parsed.Tool!.Status, parsed.Tool.Enabled));
        Assert.Contains("author: sre-team", rendered.Yaml, StringComparison.Ordinal);
        Assert.StartsWith(YamlWriter.SchemaHint, rendered.Yaml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no_equals_sign")]
    [InlineData("=value")]
    public void A_malformed_setting_is_a_usage_error(string pair) =>
        Assert.Throws<TemplateUsageException>(() => TemplateRenderer.ParseSettings([pair]));

    [Fact]
    public void An_unknown_template_names_the_ones_that_exist()
    {
        var error = Assert.Throws<TemplateUsageException>(() => TemplateRenderer.Get("kafka_tool"));
        Assert.Contains("simple_command", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task From_template_writes_the_file_in_the_catalog_layout_and_it_validates()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();

        var created = await CliRun.RunAsync(ct, "from-template", "database_tool", "orders_db", "--set", "engine=MySQL", "--set", "platform=database",
            "--out", folder.Path);
        var validated = await CliRun.RunAsync(ct, "validate", folder.Path);

        Assert.True(created.ExitCode == 0, created.Text);
        Assert.True(File.Exists(Path.Combine(folder.Path, "database", "orders_db.yaml")), created.Text);
        Assert.True(validated.ExitCode == 0, validated.Text);
        Assert.Contains("1 file(s): 1 valid, 0 invalid; 0 error(s), 0 warning(s)", validated.Out.ToString(), StringComparison.Ordinal);
        var again = await CliRun.RunAsync(ct, "from-template", "database_tool", "orders_db", "--out", folder.Path);
        Assert.True(again.ExitCode == 2, again.Text);
        Assert.Contains("--force", again.Error.ToString(), StringComparison.Ordinal);
    }
}
