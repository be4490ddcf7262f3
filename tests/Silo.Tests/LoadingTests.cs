using System.Net;
using System.Text;
using Optimus.Grains;
using Optimus.Tests;
using Xunit;

namespace Optimus.Silo.Tests;

/// <summary>Loading: fenced by save, idempotent by batch id, last write wins, verified against what the loader declared.</summary>
public sealed class LoadingTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private OptimusApi Api => fixture.Api;

    private async Task<(string Dataset, string Version)> DraftAsync()
    {
        var dataset = OptimusApi.NewName();
        await Api.CreateDatasetAsync(dataset, ["t", "u"]);
        return (dataset, await Api.CreateVersionAsync(dataset, expectedEntries: 1000));
    }

    [Fact]
    public async Task BatchAfterSave_IsRefused_AndChangesNothing()
    {
        var (dataset, version) = await DraftAsync();
        await Api.LoadAsync(dataset, "t", version, [("a", "1")]);
        var saved = await Api.SaveAsync(version);

        using var late = await Api.PostEntriesAsync(dataset, "t", version, [("b", "2")]);
        await OptimusApi.ExpectProblemAsync(late, HttpStatusCode.Conflict, "version-not-writable");

        Assert.Equal(saved.GetProperty("tables").GetRawText(), (await Api.GetJsonAsync($"/v1/versions/{version}")).GetProperty("tables").GetRawText());
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync(dataset, "t", "b", version)).Status);
    }

    [Fact]
    public async Task RetriedBatchId_IsCountedOnce_AndDoesNotUndoALaterBatch()
    {
        var (dataset, version) = await DraftAsync();
        var entries = Enumerable.Range(0, 100).Select(i => ($"k{i}", "1")).ToList();

        Assert.Equal(100, await Api.LoadAsync(dataset, "t", version, entries, batchId: "batch-1"));
        Assert.Equal(100, await Api.LoadAsync(dataset, "t", version, entries.Select(e => (e.Item1, "2")), batchId: "batch-2"));
        Assert.Equal(0, await Api.LoadAsync(dataset, "t", version, entries, batchId: "batch-1")); // a late retry of batch-1
        Assert.Equal(100, await Api.LoadAsync(dataset, "u", version, entries, batchId: "batch-1")); // another table: other shards

        var saved = await Api.SaveAsync(version);
        Assert.Equal(100, saved.GetProperty("tables").GetProperty("t").GetProperty("entries").GetInt64());
        Assert.Equal("2", (await Api.GetAsync(dataset, "t", "k7", version)).Body); // batch-1 was not applied again over batch-2
    }

    [Fact]
    public async Task ReusedBatchId_WithOtherEntries_IsRefused_AndChangesNothing()
    {
        var (dataset, version) = await DraftAsync();
        await Api.LoadAsync(dataset, "t", version, [("a", "1")], batchId: "batch-1");

        using var reused = await Api.PostEntriesAsync(dataset, "t", version, [("a", "99")], batchId: "batch-1");
        Assert.Contains("was used before", await OptimusApi.ExpectProblemAsync(reused, HttpStatusCode.BadRequest, "invalid-request"), StringComparison.Ordinal);
        Assert.Equal("1", (await Api.GetAsync(dataset, "t", "a", version)).Body);
    }

    [Fact]
    public async Task LoadsAfterTheSaveAnswered_AreRefused_AndEveryLoadIsWhollyInOrWhollyOut()
    {
        var dataset = OptimusApi.NewName();
        await Api.CreateDatasetAsync(dataset, ["t", "u"]);
        var version = await Api.CreateVersionAsync(dataset, expectedEntries: 1_000_000); // 16 shards: every request spans them
        // Loads start every 3 ms, before, during and after the save, until ten have started after the save answered:
        // a fixed number of them could all land before a save that a busy machine delays, or all after it.
        const int MaxRequests = 2000;
        var outcomes = new HttpStatusCode[MaxRequests];
        var firstAccepted = new TaskCompletionSource();
        var saveAnswered = new TaskCompletionSource();
        var requests = 0;
        var generating = Task.Run(async () =>
        {
            var loads = new List<Task>();
            for (var afterSave = 0; afterSave < 10 && requests < MaxRequests; requests++)
            {
                afterSave += saveAnswered.Task.IsCompleted ? 1 : 0;
                var r = requests;
                loads.Add(Task.Run(async () =>
                {
                    using var response = await Api.PostEntriesAsync(dataset, "t", version, Enumerable.Range(0, 64).Select(i => ($"r{r}-{i}", $"{r}")));
                    outcomes[r] = response.StatusCode;
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        firstAccepted.TrySetResult();
                    }
                }));
                await Task.Delay(3);
            }

            await Task.WhenAll(loads);
        });

        await firstAccepted.Task.WaitAsync(TimeSpan.FromSeconds(60));
        using (var save = await Api.Http.PostAsync(new Uri($"/v1/versions/{version}/save", UriKind.Relative), null))
        {
            Assert.True(save.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, await save.Content.ReadAsStringAsync());
        }

        saveAnswered.SetResult();
        using (var late = await Api.PostEntriesAsync(dataset, "t", version, [("late", "1")]))
        {
            await OptimusApi.ExpectProblemAsync(late, HttpStatusCode.Conflict, "version-not-writable");
        }

        await generating;
        Assert.True(requests < MaxRequests, "ten loads started after the save answered");
        Array.Resize(ref outcomes, requests);
        var saved = await Api.GetJsonAsync($"/v1/versions/{version}");
        for (var i = 0; i < 600 && saved.GetProperty("status").GetString() == "SAVING"; i++)
        {
            await Task.Delay(50);
            saved = await Api.GetJsonAsync($"/v1/versions/{version}");
        }

        Assert.Equal("SAVED", saved.GetProperty("status").GetString());
        Assert.All(outcomes, o => Assert.True(o is HttpStatusCode.OK or HttpStatusCode.Conflict, $"a load answered {o}"));
        Assert.Contains(HttpStatusCode.OK, outcomes);
        Assert.Contains(HttpStatusCode.Conflict, outcomes);

        for (var r = 0; r < outcomes.Length; r++)
        {
            var (body, _, _) = await Api.GetManyAsync(dataset, "t", Enumerable.Range(0, 64).Select(i => $"r{r}-{i}"), version);
            var found = body.GetProperty("found").EnumerateObject().Count();
            Assert.Equal(outcomes[r] == HttpStatusCode.OK ? 64 : 0, found);
        }

        var accepted = outcomes.Count(o => o == HttpStatusCode.OK) * 64;
        Assert.Equal(accepted, saved.GetProperty("tables").GetProperty("t").GetProperty("entries").GetInt64());
    }

    [Fact]
    public async Task DuplicateKeys_KeepTheLastValue_WithinABatchAndAcrossBatches()
    {
        var (dataset, version) = await DraftAsync();
        await Api.LoadAsync(dataset, "t", version, [("k", "\"first\""), ("other", "1"), ("k", "\"second\"")]);
        await Api.LoadAsync(dataset, "t", version, [("k", "\"third\"")]);
        using (var one = await Api.PostRawAsync($"/v1/datasets/{dataset}/tables/t/entries/other?version={version}", "{ \"spaced\": true }"))
        {
            await OptimusApi.ExpectAsync(one, HttpStatusCode.OK);
        }

        var saved = await Api.SaveAsync(version);

        Assert.Equal(2, saved.GetProperty("tables").GetProperty("t").GetProperty("entries").GetInt64());
        Assert.Equal("\"third\"", (await Api.GetAsync(dataset, "t", "k", version)).Body);
        Assert.Equal("{ \"spaced\": true }", (await Api.GetAsync(dataset, "t", "other", version)).Body); // exactly as sent
    }

    [Fact]
    public async Task MultiTableLoad_WritesEveryTable()
    {
        var (dataset, version) = await DraftAsync();
        using var response = await Api.PostRawAsync($"/v1/datasets/{dataset}?version={version}",
            "[{\"table\":\"t\",\"key\":\"a\",\"value\":1},{\"table\":\"u\",\"key\":\"a\",\"value\":2}]");
        Assert.Equal(2, (await OptimusApi.ExpectAsync(response, HttpStatusCode.OK)).GetProperty("accepted").GetInt32());

        Assert.Equal("1", (await Api.GetAsync(dataset, "t", "a", version)).Body);
        Assert.Equal("2", (await Api.GetAsync(dataset, "u", "a", version)).Body);
    }

    [Fact]
    public async Task LargeMultiTableRequest_KeepsEveryValueExactly_AndTheLastWriteOfEachKey()
    {
        // More entries than a chunk of the parsed list holds (1,024) and more value bytes than a chunk of the arena
        // (64 kB), one value big enough for an array of its own, tables interleaved, and keys written again later on.
        var (dataset, version) = await DraftAsync();
        var expected = new Dictionary<(string Table, string Key), string>();
        var body = new StringBuilder("[");
        for (var i = 0; i < 3_000; i++)
        {
            var key = $"k{i % 2_500}"; // k0-k499 are written twice, 2,500 entries apart
            var table = i % 2_500 % 3 == 0 ? "u" : "t";
            var value = i == 1_234 ? $"{{ \"big\": \"{new string('b', 20_000)}\" }}" : $"{{ \"n\": {i}, \"pad\": \"{new string('x', i % 97)}\" }}";
            body.Append(i == 0 ? "" : ",").Append($"{{\"table\":\"{table}\",\"key\":\"{key}\",\"value\":{value}}}");
            expected[(table, key)] = value;
        }

        using (var response = await Api.PostRawAsync($"/v1/datasets/{dataset}?version={version}", body.Append(']').ToString()))
        {
            Assert.Equal(3_000, (await OptimusApi.ExpectAsync(response, HttpStatusCode.OK)).GetProperty("accepted").GetInt32());
        }

        var saved = await Api.SaveAsync(version);
        foreach (var table in new[] { "t", "u" })
        {
            var keys = expected.Keys.Where(k => k.Table == table).Select(k => k.Key).ToList();
            Assert.Equal(keys.Count, saved.GetProperty("tables").GetProperty(table).GetProperty("entries").GetInt64());
            foreach (var chunk in keys.Chunk(400))
            {
                var (read, _, _) = await Api.GetManyAsync(dataset, table, chunk, version);
                var found = read.GetProperty("found");
                Assert.All(chunk, key => Assert.Equal(expected[(table, key)], found.GetProperty(key).GetRawText()));
            }
        }
    }

    [Fact]
    public async Task DeclaredCountsAndChecksums_ThatMatch_Save_ComputedAsTheReadmeSays()
    {
        var (dataset, version) = await DraftAsync();
        var entries = Enumerable.Range(0, 500).Select(i => ($"user:{i:D8}", $"{{\"score\":{i}}}")).ToList();
        await Api.LoadAsync(dataset, "t", version, entries.Take(300));
        await Api.LoadAsync(dataset, "t", version, entries.Skip(200)); // overlaps: the same keys again, same values

        ulong checksum = 0;
        foreach (var (key, json) in entries)
        {
            checksum = unchecked(checksum + EntryChecksum.Of(key, Encoding.UTF8.GetBytes(json)));
        }

        var saved = await Api.SaveAsync(version, new Dictionary<string, object> { ["t"] = new { entries = 500, checksum = EntryChecksum.Format(checksum) } });

        Assert.Equal("SAVED", saved.GetProperty("status").GetString());
        Assert.Equal(EntryChecksum.Format(checksum), saved.GetProperty("tables").GetProperty("t").GetProperty("checksum").GetString());
    }

    [Fact]
    public async Task DeclaredCountsOrChecksums_ThatDoNotMatch_FailTheVersion_WhichCanNeverBePublished()
    {
        var (dataset, version) = await DraftAsync();
        await Api.LoadAsync(dataset, "t", version, [("a", "1"), ("b", "2")]);

        var failed = await Api.SaveAsync(version, new Dictionary<string, object>
        {
            ["t"] = new { entries = 3, checksum = "0000000000000000" },
            ["u"] = new { entries = 0, checksum = "0000000000000000" },
        });

        Assert.Equal("FAILED", failed.GetProperty("status").GetString());
        var reason = failed.GetProperty("history").EnumerateArray().Last().GetProperty("reason").GetString()!;
        Assert.Contains("table t: the loader declared 3 entries, the shards hold 2", reason, StringComparison.Ordinal);
        Assert.Contains("table t: the loader declared checksum 0000000000000000", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("table u", reason, StringComparison.Ordinal); // u matched: empty, checksum zero

        using var publish = await Api.Http.PostAsync(new Uri($"/v1/versions/{version}/publish", UriKind.Relative), null);
        Assert.Contains("can never be published", await OptimusApi.ExpectProblemAsync(publish, HttpStatusCode.Conflict, "integrity-mismatch"), StringComparison.Ordinal);
        Assert.Equal(JsonNull, (await Api.GetJsonAsync($"/v1/datasets/{dataset}")).GetProperty("activeVersion").ValueKind);
    }

    private const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;
}
