using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ToolCatalog.Generator.Wizard;

/// <summary>
/// Asks one question at a time. Each question has a default and a check: a preset answer (flag or answers file) is
/// used when it passes; otherwise a person is asked (interactive), with the check's message on a bad answer and the
/// question repeated, or the default is taken (non-interactive). A preset that fails when no one can be asked is an
/// error, never silently replaced.
/// </summary>
public sealed class Prompter(IAnsiConsole console, bool interactive, CancellationToken cancellationToken)
{
    public const string NoneAnswer = "-";

    public IAnsiConsole Console => console;
    public bool Interactive => interactive;

    public async Task<string> TextAsync(string label, JsonNode? preset, string defaultValue, Func<string, string?>? check = null,
        IReadOnlyList<string>? choices = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Func<string, string?> validate = value =>
            choices is not null && !choices.Contains(value, StringComparer.Ordinal) ? $"must be one of: {string.Join(", ", choices)}" : check?.Invoke(value);
        if (preset is not null)
        {
            var text = PresetText(preset);
            var problem = validate(text);
            if (problem is null)
            {
                Echo(label, text);
                return text;
            }
            Reject(label, text, problem);
        }
        if (!interactive)
        {
            return validate(defaultValue) is { } problem
                ? throw new WizardAnswerException($"{label}: no answer was given and the default '{defaultValue}' does not fit: {problem}")
                : defaultValue;
        }
        var prompt = new TextPrompt<string>(Markup.Escape(label));
        if (choices is not null)
        {
            prompt.AddChoices(choices).InvalidChoiceMessage($"[red]{Markup.Escape($"must be one of: {string.Join(", ", choices)}")}[/]");
        }
        if (defaultValue.Length > 0)
        {
            prompt.DefaultValue(defaultValue);
        }
        else
        {
            prompt.AllowEmpty();
        }
        prompt.Validate(value => validate(value.Trim()) is { } problem ? ValidationResult.Error($"[red]{Markup.Escape(problem)}[/]") : ValidationResult.Success());
        return (await prompt.ShowAsync(console, cancellationToken)).Trim();
    }

    public async Task<double> NumberAsync(string label, JsonNode? preset, double defaultValue, double min, double max)
    {
        var text = await TextAsync(label, preset, Format(defaultValue), value =>
            TryNumber(value, out var number) && number >= min && number <= max ? null : $"must be a number from {Format(min)} to {Format(max)}");
        TryNumber(text, out var result);
        return result;
    }

    public async Task<long> IntegerAsync(string label, JsonNode? preset, long defaultValue, long min)
    {
        var text = await TextAsync(label, preset, defaultValue.ToString(CultureInfo.InvariantCulture), value =>
            long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= min
                ? null
                : $"must be a whole number >= {min}");
        return long.Parse(text, CultureInfo.InvariantCulture);
    }

    public async Task<bool> YesNoAsync(string label, JsonNode? preset, bool defaultValue)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (preset is not null)
        {
            if (ParseBool(PresetText(preset)) is { } value)
            {
                Echo(label, value ? "yes" : "no");
                return value;
            }
            Reject(label, PresetText(preset), "must be yes or no (true or false)");
        }
        if (!interactive)
        {
            return defaultValue;
        }
        return await new ConfirmationPrompt(Markup.Escape(label)) { DefaultValue = defaultValue }.ShowAsync(console, cancellationToken);
    }

    /// <summary>A list typed on one line; <c>-</c> answers "none" when the default is not empty.</summary>
    public async Task<List<string>> ListAsync(string label, JsonNode? preset, IReadOnlyList<string> defaultValue, char separator,
        Func<string, string?>? checkItem = null, bool required = false)
    {
        if (preset is JsonArray array)
        {
            preset = JsonValue.Create(string.Join(separator, array.Select(item => item is null ? "" : PresetText(item))));
        }
        var hint = $"{label} (separate with '{separator}'{(required ? "" : $", {NoneAnswer} for none")})";
        var text = await TextAsync(hint, preset, string.Join($"{separator} ", defaultValue), value =>
        {
            var items = Split(value, separator);
            if (items.Count == 0 && required)
            {
                return "give at least one";
            }
            return items.Select(item => checkItem?.Invoke(item) is { } problem ? $"'{item}': {problem}" : null).FirstOrDefault(p => p is not null);
        });
        return Split(text, separator);
    }

    public void Step(int number, string title)
    {
        if (interactive)
        {
            console.Write(new Rule($"[bold]Step {number}/7[/] {Markup.Escape(title)}").LeftJustified());
        }
    }

    public void Note(string text)
    {
        if (interactive)
        {
            console.MarkupLine($"[grey]{Markup.Escape(text)}[/]");
        }
    }

    public static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    public static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static List<string> Split(string text, char separator) =>
        text.Trim() == NoneAnswer ? [] : text.Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static bool? ParseBool(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "y" => true,
        "false" or "no" or "n" => false,
        _ => null,
    };

    private static string PresetText(JsonNode node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : node.ToJsonString();

    private void Echo(string label, string value)
    {
        if (interactive)
        {
            console.MarkupLine($"{Markup.Escape(label)}: [blue]{Markup.Escape(value)}[/] [grey](given)[/]");
        }
    }

    private void Reject(string label, string value, string problem)
    {
        if (!interactive)
        {
            throw new WizardAnswerException($"{label}: '{value}' {problem}");
        }
        console.MarkupLine($"[yellow]{Markup.Escape($"{label}: the given answer '{value}' {problem}; please answer again")}[/]");
    }
}
