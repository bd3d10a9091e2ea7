using ToolCatalog.Api.Selection;
using ToolCatalog.Api.Snapshot;
using static ToolCatalog.Api.Tests.Selection.SelectionFixtures;

namespace ToolCatalog.Api.Tests.Selection;

/// <summary>
/// Capability names in a request and in tool files meet through the shared vocabulary: an alias finds tools using the
/// canonical name, a canonical name finds tools still using an alias, and the alias a request used is reported.
/// </summary>
public sealed class AliasTests
{
    private static readonly CatalogSnapshot Snapshot = SnapshotOf(
        Tool("current", "service_management", new TestPattern("restart", "100")),
        Tool("legacy", "service_control", new TestPattern("bounce", "200")),
        Tool("other", "log_query", new TestPattern("read", "100")));

    [Fact]
    public void An_alias_finds_tools_using_the_canonical_name_and_tools_using_another_alias_and_says_which_alias_it_applied()
    {
        var response = Decide(Snapshot, Request("restart_service"));

        Assert.Equal([new CapabilityMatch("restart_service", "service_management", "restart_service", 2)], response.Capabilities);
        Assert.Equal(["current/service_management/restart", "legacy/service_control/bounce"],
            response.Candidates.Select(c => $"{c.Tool}/{c.Capability}/{c.Pattern}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_canonical_name_in_any_case_or_separators_finds_a_file_still_using_an_alias_with_no_alias_applied()
    {
        var response = Decide(Snapshot, Request("Service-Management"));

        Assert.Equal([new CapabilityMatch("Service-Management", "service_management", null, 2)], response.Capabilities);
        Assert.Contains(response.Candidates, c => c is { Tool: "legacy", Capability: "service_control" });
        Assert.Null(response.Hint);
    }

    [Fact]
    public void Two_names_for_one_capability_make_each_pattern_a_candidate_once()
    {
        var response = Decide(Snapshot, new SelectRequest { Capabilities = ["service_control", "service_management", "logs"] });

        Assert.Equal(2, response.Candidates.Count);
        Assert.Equal([("service_management", "service_control"), ("service_management", null)],
            response.Capabilities.Take(2).Select(m => (m.Capability!, m.AliasApplied)));
        // "logs" is no alias: nothing matched, and the hint names what is close.
        Assert.Null(response.Capabilities[2].Capability);
        Assert.Contains("log_query", response.Hint!.Suggestions);
    }
}
