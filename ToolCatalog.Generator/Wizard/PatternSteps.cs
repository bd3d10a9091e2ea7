using System.Text.Json.Nodes;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Generator.Wizard;

/// <summary>Steps 4 (the patterns of a capability) and 5 (policy and preference scores of each pattern).</summary>
public sealed class PatternSteps(Prompter ask, string toolName)
{
    /// <summary>Step 4 for one capability: its patterns with use cases, live-checked estimates, complexity, scope and completeness.</summary>
    public async Task<List<PatternDraft>> PatternsAsync(string capability, JsonObject? givenPatterns)
    {
        var patterns = new List<PatternDraft>();
        foreach (var (givenName, givenPattern) in givenPatterns ?? [])
        {
            patterns.Add(await PatternAsync(capability, JsonValue.Create(givenName), givenPattern as JsonObject ?? [], patterns));
        }
        while (patterns.Count == 0 || (ask.Interactive && await ask.YesNoAsync($"Add another pattern to {capability}?", null, false)))
        {
            patterns.Add(await PatternAsync(capability, null, [], patterns));
        }
        return patterns;
    }

    private async Task<PatternDraft> PatternAsync(string capability, JsonNode? givenName, JsonObject given, List<PatternDraft> siblings)
    {
        var taken = siblings.Select(p => p.Name).ToList();
        var defaultName = siblings.Count == 0 ? "run" : $"run_{siblings.Count + 1}";
        var name = await ask.TextAsync($"Pattern name in {capability}", givenName, defaultName, WizardChecks.MemberName(taken));
        var draft = new PatternDraft(capability, name, given);
        var f = draft.Fields;
        f["description"] = await ask.TextAsync($"What {name} does", given["description"], $"Run {toolName} ({name}) and report the result.",
            WizardChecks.NotEmpty);
        f["typical_use_cases"] = Strings(await ask.ListAsync("Typical use cases", given["typical_use_cases"], [$"{name.Replace('_', ' ')} on request"], ';',
            WizardChecks.NotEmpty, required: true));
        f["time_estimate_ms"] = await ExpressionAsync(draft, "Time estimate in ms (expression)", "time_estimate_ms", given["time_estimate_ms"], "500 + 100 * N", false);
        f["cost_estimate"] = await ExpressionAsync(draft, "Cost estimate in cost units (expression)", "cost_estimate", given["cost_estimate"], "0.01 * N", false);
        f["complexity_score"] = await ask.NumberAsync("Complexity score (0 = trivial, 1 = hard)", given["complexity_score"], 0.3, 0, 1);
        f["scope"] = await ask.TextAsync("Scope", given["scope"], "single_item", choices: CatalogRules.Scopes);
        f["completeness"] = await ask.TextAsync("Completeness of the result", given["completeness"], "complete", choices: CatalogRules.Completeness);
        var limitations = await ask.ListAsync("Limitations", given["limitations"], [], ';');
        if (limitations.Count > 0)
        {
            f["limitations"] = Strings(limitations);
        }
        return draft;
    }

    /// <summary>Step 5 for one pattern.</summary>
    public async Task PolicyAsync(PatternDraft draft)
    {
        var givenPolicy = draft.Given["policy"] as JsonObject ?? [];
        var givenPreferences = draft.Given["preference_match"] as JsonObject ?? [];
        ask.Note($"{draft.Label}: policy");
        var policy = new JsonObject
        {
            ["max_cost"] = await ask.NumberAsync("Maximum cost per run (max_cost)", givenPolicy["max_cost"], 1, 0, 1e9),
        };
        var approval = await ask.YesNoAsync("Needs approval before it runs?", givenPolicy["requires_approval"], false);
        policy["requires_approval"] = approval;
        policy["production_safe"] = await ask.YesNoAsync("Safe to run in production?", givenPolicy["production_safe"], !approval);
        policy["max_execution_time"] = await ask.IntegerAsync("Maximum execution time in ms", givenPolicy["max_execution_time"], 60000, 1);
        var background = await ExpressionAsync(draft, "Run in the background when (condition, - for never)", "policy.requires_background_if",
            givenPolicy["requires_background_if"], "N > 100", true);
        if (background != Prompter.NoneAnswer)
        {
            policy["requires_background_if"] = background;
        }
        policy["max_N_immediate"] = await ask.IntegerAsync("Largest N run immediately (max_N_immediate)", givenPolicy["max_N_immediate"], 100, 0);
        draft.Fields["policy"] = policy;

        ask.Note($"{draft.Label}: preference scores, 0 to 1 (how well this pattern serves each goal)");
        var complexity = draft.Fields["complexity_score"]?.GetValue<double>() ?? 0.3;
        var defaults = new Dictionary<string, double>
        {
            ["speed"] = 0.8,
            ["accuracy"] = 0.8,
            ["cost"] = 0.8,
            ["complexity"] = Math.Round(1 - complexity, 2),
            ["completeness"] = 0.8,
        };
        var preferences = new JsonObject();
        foreach (var key in CatalogRules.PreferenceKeys)
        {
            preferences[key] = await ask.NumberAsync($"Preference: {key}", givenPreferences[key], defaults[key], 0, 1);
        }
        draft.Fields["preference_match"] = preferences;
    }

    /// <summary>An estimate or condition, checked as it is typed; shows what it evaluates to.</summary>
    private async Task<string> ExpressionAsync(PatternDraft draft, string label, string key, JsonNode? given, string defaultValue, bool condition)
    {
        var text = await ask.TextAsync($"{label}", given, defaultValue, value =>
            condition && value == Prompter.NoneAnswer ? null : ExpressionCheck.Check(value, draft.NumericInputs, condition));
        if (condition && text == Prompter.NoneAnswer)
        {
            return text;
        }
        var pending = new List<string>();
        ExpressionCheck.Check(text, draft.NumericInputs, condition, pending);
        foreach (var name in pending.Where(n => !draft.Pending.Contains(n)))
        {
            draft.Pending.Add(name);
            ask.Note($"'{name}' is not a standard variable: step 6 declares it as a numeric input of {draft.Label}");
        }
        if (ExpressionCheck.Preview(text) is { Length: > 0 } preview)
        {
            ask.Note($"{key} {preview}");
        }
        return text;
    }

    internal static JsonArray Strings(IEnumerable<string> items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
}
