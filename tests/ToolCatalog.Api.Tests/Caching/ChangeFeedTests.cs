using System.Net;
using System.Text.Json;
using ToolCatalog.Api.Tests.Infrastructure;

namespace ToolCatalog.Api.Tests.Caching;

/// <summary>The change feed: every change in order, tombstones for deletes, and resume without loss.</summary>
public sealed class ChangeFeedTests(CatalogInfrastructure infra)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Changes_since_a_revision_are_ordered_and_deletes_are_tombstones()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var replicas = Replicas.Start(1, await infra.NewCatalogDatabaseAsync(ct), infra.Redis.ConnectionString);
        var api = replicas.Clients[0];
        await api.PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool("f1", "1.0.0")), ct);
        await api.PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool("f2", "1.0.0")), ct);
        await api.DeleteAsync("/api/v1/tools/f1", ct);

        using var all = JsonDocument.Parse(await api.GetStringAsync("/api/v1/changes?since=0", ct));
        using var later = JsonDocument.Parse(await api.GetStringAsync("/api/v1/changes?since=2", ct));

        Assert.Equal(["1:f1:created", "2:f2:created", "3:f1:deleted"], Entries(all));
        Assert.Equal(["3:f1:deleted"], Entries(later));
        Assert.Equal(3, all.RootElement.GetProperty("latest").GetInt64());
    }

    [Fact]
    public async Task The_stream_delivers_every_change_in_order_and_a_reconnect_with_Last_Event_ID_loses_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var replicas = Replicas.Start(1, await infra.NewCatalogDatabaseAsync(ct), infra.Redis.ConnectionString);
        var api = replicas.Clients[0];

        var first = await ReadEventsWhileAsync(api, null, async () =>
        {
            for (var i = 1; i <= 3; i++)
            {
                await api.PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool($"s{i}", "1.0.0")), ct);
            }
        }, expected: 3, ct);
        Assert.Equal([1L, 2L, 3L], first.Select(e => e.Id));

        // Disconnected: two more changes happen.
        await api.PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool("s4", "1.0.0")), ct);
        await api.DeleteAsync("/api/v1/tools/s1", ct);

        var resumed = await ReadEventsWhileAsync(api, first[^1].Id, () => Task.CompletedTask, expected: 2, ct);
        Assert.Equal([(4L, "created"), (5L, "deleted")], resumed.Select(e => (e.Id, e.Event)));
    }

    private static async Task<List<(long Id, string Event)>> ReadEventsWhileAsync(HttpClient api, long? lastEventId, Func<Task> act, int expected,
        CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/changes/stream");
        if (lastEventId is { } id)
        {
            request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Deadline);
        using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        using var reader = new StreamReader(stream);
        await act();

        var events = new List<(long, string)>();
        long? current = null;
        string? name = null;
        while (events.Count < expected && await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                current = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.Length == 0 && current is { } eventId)
            {
                events.Add((eventId, name!));
                current = null;
            }
        }
        return events;
    }

    private static string[] Entries(JsonDocument page) => page.RootElement.GetProperty("changes").EnumerateArray()
        .Select(c => $"{c.GetProperty("revision").GetInt64()}:{c.GetProperty("tool").GetString()}:{c.GetProperty("action").GetString()}").ToArray();
}
