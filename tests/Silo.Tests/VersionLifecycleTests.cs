using System.Net;
using Optimus.Tests;
using Xunit;

namespace Optimus.Silo.Tests;

/// <summary>The whole life of versions across two tables, through the HTTP API.</summary>
public sealed class VersionLifecycleTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private OptimusApi Api => fixture.Api;

    private async Task<string> LoadVersionAsync(string dataset, string tag)
    {
        var version = await Api.CreateVersionAsync(dataset, expectedEntries: 100);
        await Api.LoadAsync(dataset, "scores", version, Enumerable.Range(0, 20).Select(i => ($"user{i}", $"{{\"score\":{i},\"v\":\"{tag}\"}}")));
        await Api.LoadAsync(dataset, "tags", version, Enumerable.Range(0, 20).Select(i => ($"user{i}", $"\"{tag}\"")));
        var saved = await Api.SaveAsync(version);
        Assert.Equal("SAVED", saved.GetProperty("status").GetString());
        return version;
    }

    [Fact]
    public async Task ASingleKeyRead_SaysItsLength_RatherThanAnsweringInChunks()
    {
        var dataset = OptimusApi.NewName();
        await Api.CreateDatasetAsync(dataset, ["scores", "tags"]);
        await Api.PublishAsync(await LoadVersionAsync(dataset, "x"));

        using var response = await fixture.Silo.Http.GetAsync(new Uri($"/v1/datasets/{dataset}/tables/scores/entries/user7", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"score\":7,\"v\":\"x\"}".Length, response.Content.Headers.ContentLength);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
    }

    [Fact]
    public async Task Draft_IsInvisible_PublishShowsBothTablesAtOnce_OlderPublishAndRollbackGoBack_PinnedReadsStay()
    {
        var dataset = OptimusApi.NewName();
        await Api.CreateDatasetAsync(dataset, ["scores", "tags"]);

        var v1 = await Api.CreateVersionAsync(dataset);
        await Api.LoadAsync(dataset, "scores", v1, [("user1", "{\"v\":\"one\"}")]);
        await Api.LoadAsync(dataset, "tags", v1, [("user1", "\"one\"")]);

        // A draft is invisible to reads that name no version, but readable when named.
        var unnamed = await Api.GetAsync(dataset, "scores", "user1");
        Assert.Equal(HttpStatusCode.NotFound, unnamed.Status);
        Assert.Contains("no-active-version", unnamed.Body, StringComparison.Ordinal);
        var draft = await Api.GetAsync(dataset, "scores", "user1", v1);
        Assert.Equal("{\"v\":\"one\"}", draft.Body);
        Assert.Equal(v1, draft.Version);
        Assert.Null(draft.Active);

        await Api.SaveAsync(v1);
        var published = await Api.PublishAsync(v1);
        Assert.Equal("PUBLISHED", published.GetProperty("status").GetString());
        foreach (var table in new[] { "scores", "tags" })
        {
            var read = await Api.GetAsync(dataset, table, "user1");
            Assert.Equal(HttpStatusCode.OK, read.Status);
            Assert.Contains("one", read.Body, StringComparison.Ordinal);
            Assert.Equal(v1, read.Version);
            Assert.Equal(v1, read.Active);
        }

        var v2 = await LoadVersionAsync(dataset, "two");
        await Api.PublishAsync(v2);
        Assert.Equal("\"two\"", (await Api.GetAsync(dataset, "tags", "user1")).Body);
        Assert.Equal("SAVED", (await Api.GetJsonAsync($"/v1/versions/{v1}")).GetProperty("status").GetString());

        // A read pinned to v1 keeps answering from it, and says which is active.
        var pinned = await Api.GetAsync(dataset, "tags", "user1", v1);
        Assert.Equal(("\"one\"", v1, v2), (pinned.Body, pinned.Version, pinned.Active));

        // Publishing the older version is a rollback; /rollback goes back to the one before.
        await Api.PublishAsync(v1);
        Assert.Equal(("\"one\"", v1), ((await Api.GetAsync(dataset, "tags", "user1")).Body, (await Api.GetAsync(dataset, "tags", "user1")).Active));
        var rolledBack = await Api.RollbackAsync(dataset);
        Assert.Equal(v2, rolledBack.GetProperty("id").GetString());
        Assert.Equal("\"two\"", (await Api.GetAsync(dataset, "tags", "user1")).Body);
        Assert.Equal(v2, (await Api.GetJsonAsync($"/v1/datasets/{dataset}")).GetProperty("activeVersion").GetString());

        // The history records every step with its reason.
        var history = (await Api.GetJsonAsync($"/v1/versions/{v1}")).GetProperty("history").EnumerateArray().Select(e => e.GetProperty("status").GetString()).ToList();
        Assert.Equal(["AWAITING_ENTRIES", "SAVING", "SAVED", "PUBLISHED", "SAVED", "PUBLISHED", "SAVED"], history);
    }

    [Fact]
    public async Task SavedVersion_ReportsCountsAndChecksums_PerTable_AndTablesListsTheActiveCounts()
    {
        var dataset = OptimusApi.NewName();
        await Api.CreateDatasetAsync(dataset, ["scores", "tags"]);
        var version = await LoadVersionAsync(dataset, "one");
        await Api.PublishAsync(version);

        var info = await Api.GetJsonAsync($"/v1/versions/{version}");
        Assert.Equal(20, info.GetProperty("tables").GetProperty("scores").GetProperty("entries").GetInt64());
        Assert.Equal(16, info.GetProperty("tables").GetProperty("tags").GetProperty("checksum").GetString()!.Length);

        var tables = await Api.GetJsonAsync($"/v1/datasets/{dataset}/tables");
        Assert.Equal([("scores", 20L), ("tags", 20L)], tables.EnumerateArray().Select(t => (t.GetProperty("name").GetString()!, t.GetProperty("entries").GetInt64())));
    }

    [Fact]
    public async Task MultiKeyReads_ListFoundAndMissing_FromOneVersion()
    {
        var dataset = OptimusApi.NewName();
        await Api.CreateDatasetAsync(dataset, ["scores", "tags"]);
        var version = await LoadVersionAsync(dataset, "one");
        await Api.PublishAsync(version);

        var (body, read, active) = await Api.GetManyAsync(dataset, "tags", ["user1", "nobody", "user2", "user1"]);

        Assert.Equal((version, version), (read, active));
        Assert.Equal(version, body.GetProperty("version").GetString());
        Assert.Equal(["user1", "user2"], body.GetProperty("found").EnumerateObject().Select(p => p.Name));
        Assert.Equal("one", body.GetProperty("found").GetProperty("user2").GetString());
        Assert.Equal(["nobody"], body.GetProperty("missing").EnumerateArray().Select(e => e.GetString()));

        using var lookup = await Api.PostRawAsync($"/v1/datasets/{dataset}/tables/scores/lookup", $"{{\"keys\":[\"user3\",\"x\"],\"version\":\"{version}\"}}");
        var looked = await OptimusApi.ExpectAsync(lookup, HttpStatusCode.OK);
        Assert.Equal(3, looked.GetProperty("found").GetProperty("user3").GetProperty("score").GetInt32());
    }

    [Fact]
    public async Task KeysWithSlashesPercentAndUnicode_RoundTripThroughThePath()
    {
        var dataset = OptimusApi.NewName();
        await Api.CreateDatasetAsync(dataset, ["t"]);
        var version = await Api.CreateVersionAsync(dataset);
        string[] keys = ["a/b", "100%", "clé ü", "%2F", "a+b", "?&="];
        await Api.LoadAsync(dataset, "t", version, keys.Select((k, i) => (k, i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        await Api.SaveAsync(version);
        await Api.PublishAsync(version);

        for (var i = 0; i < keys.Length; i++)
        {
            var read = await Api.GetAsync(dataset, "t", keys[i]);
            Assert.Equal((HttpStatusCode.OK, $"{i}"), (read.Status, read.Body));
        }

        using var one = await Api.PostRawAsync($"/v1/datasets/{dataset}/tables/t/entries/{Uri.EscapeDataString("x/y")}?version={version}", "{\"a\":1}");
        await OptimusApi.ExpectProblemAsync(one, HttpStatusCode.Conflict, "version-not-writable"); // saved already: refused
    }

    [Fact]
    public async Task Listings_PageWithCursors()
    {
        var prefix = OptimusApi.NewName("page")[..14];
        var names = Enumerable.Range(0, 5).Select(i => $"{prefix}-{i}").ToList();
        foreach (var name in names)
        {
            await Api.CreateDatasetAsync(name, ["t"]);
        }

        var seen = new List<string>();
        string? after = prefix;
        while (true)
        {
            var page = await Api.GetJsonAsync($"/v1/datasets?limit=2&after={after}");
            var items = page.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("name").GetString()!).ToList();
            seen.AddRange(items.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)));
            if (page.GetProperty("next").ValueKind == System.Text.Json.JsonValueKind.Null || !items.All(n => n.StartsWith(prefix, StringComparison.Ordinal)))
            {
                break;
            }

            after = page.GetProperty("next").GetString();
        }

        Assert.Equal(names, seen);

        var dataset = names[0];
        var versions = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            versions.Add(await Api.CreateVersionAsync(dataset));
        }

        var first = await Api.GetJsonAsync($"/v1/versions?dataset={dataset}&limit=2");
        Assert.Equal([versions[2], versions[1]], first.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("id").GetString()));
        var second = await Api.GetJsonAsync($"/v1/versions?dataset={dataset}&limit=2&after={Uri.EscapeDataString(first.GetProperty("next").GetString()!)}");
        Assert.Equal([versions[0]], second.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("id").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("next").ValueKind);
    }
}
