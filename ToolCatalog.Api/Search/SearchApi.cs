using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ToolCatalog.Api.Search;

/// <summary>GET /api/v1/search: ranked patterns for a request in plain words, a tool name, a flag or an error text.</summary>
public static class SearchApi
{
    private static readonly string[] Modes = ["hybrid", "keyword", "semantic"];

    public static RouteGroupBuilder MapSearch(this RouteGroupBuilder group)
    {
        group.MapGet("/search", Search).WithName("Search")
            .WithSummary("Ranked patterns for a request in plain words: keyword and semantic rankings fused, with highlights")
            .WithDescription("`mode` is hybrid (default), keyword or semantic; `platform` keeps that platform's tools and multi-platform ones. "
                + "Patterns not embedded yet are still found by their keywords.")
            .WithTags("Discovery")
            .RejectNulCharacters();
        return group;
    }

    public static Results<Ok<IReadOnlyList<SearchHit>>, ProblemHttpResult> Search(HttpContext context, CatalogSearch search,
        string? q, string? limit, string? mode, string? platform, CancellationToken cancellationToken)
    {
        var errors = new List<(string Path, string Message)>();
        if (string.IsNullOrWhiteSpace(q))
        {
            errors.Add(("q", "is required"));
        }
        else if (q.Length > 200)
        {
            errors.Add(("q", "must be at most 200 characters"));
        }
        var max = 20;
        if (limit is not null && !(int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out max) && max is >= 1 and <= 100))
        {
            errors.Add(("limit", "must be a whole number from 1 to 100"));
        }
        if (mode is not null && !Modes.Contains(mode, StringComparer.Ordinal))
        {
            errors.Add(("mode", $"must be one of: {string.Join(", ", Modes)}"));
        }
        if (platform is not null && !Catalog.Validation.CatalogRules.Platforms.Contains(platform))
        {
            errors.Add(("platform", $"must be one of: {string.Join(", ", Catalog.Validation.CatalogRules.Platforms)}"));
        }
        if (errors.Count > 0)
        {
            var problem = ProblemResponses.Create(context, StatusCodes.Status400BadRequest, "invalid-query", "Invalid query parameters",
                "One or more query parameters are not valid.");
            problem.Extensions["errors"] = errors.Select(e => new { path = e.Path, message = e.Message }).ToArray();
            return TypedResults.Problem(problem);
        }
        var searchMode = mode is null ? SearchMode.Hybrid : Enum.Parse<SearchMode>(mode, ignoreCase: true);
        return TypedResults.Ok(search.Search(q!.Trim(), platform, max, searchMode, cancellationToken));
    }
}
