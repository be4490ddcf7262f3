using System.Net.Http.Json;
using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using Optimus.Tests;
using Xunit;

namespace Optimus.Silo.Tests;

/// <summary>
/// Every error code of API.md, each produced by bad input (or, for <c>unavailable</c>, a store held busy), with the
/// state checked unchanged afterwards.
/// </summary>
public sealed class ErrorTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private OptimusApi Api => fixture.Api;

    private HttpClient Http => Api.Http;

    // A dataset with a saved-and-published version v1 (key "a") and a draft v2 (key "b"); returns its state as text.
    private async Task<(string Dataset, string Published, string Draft)> SetUpAsync()
    {
        var dataset = OptimusApi.NewName();
        await Api.CreateDatasetAsync(dataset, ["t"]);
        var published = await Api.CreateVersionAsync(dataset);
        await Api.LoadAsync(dataset, "t", published, [("a", "1")]);
        await Api.SaveAsync(published);
        await Api.PublishAsync(published);
        var draft = await Api.CreateVersionAsync(dataset);
        await Api.LoadAsync(dataset, "t", draft, [("b", "2")]);
        return (dataset, published, draft);
    }

    private async Task<string> StateAsync(string dataset, params string[] versions)
    {
        var state = new StringBuilder((await Api.GetJsonAsync($"/v1/datasets/{dataset}")).GetRawText());
        foreach (var version in versions)
        {
            state.Append((await Api.GetJsonAsync($"/v1/versions/{version}")).GetRawText());
            foreach (var key in new[] { "a", "b", "c", "d" }) // a, b as set up; c, d as the bad requests try to write
            {
                state.Append((await Api.GetAsync(dataset, "t", key, version)).Body);
            }
        }

        return state.ToString();
    }

    private async Task AssertProblemAndUnchangedAsync(string dataset, string[] versions, Func<Task<HttpResponseMessage>> send, HttpStatusCode status, string code)
    {
        var before = await StateAsync(dataset, versions);
        using var response = await send();
        await OptimusApi.ExpectProblemAsync(response, status, code);
        Assert.Equal(before, await StateAsync(dataset, versions));
    }

    [Fact]
    public async Task InvalidRequest()
    {
        var (dataset, published, draft) = await SetUpAsync();
        string[] versions = [published, draft];
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Api.PostRawAsync("/v1/datasets", "{\"name\":\"x\"}"), HttpStatusCode.BadRequest, "invalid-request");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Api.PostRawAsync("/v1/datasets", "{not json"), HttpStatusCode.BadRequest, "invalid-request");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Api.PostRawAsync($"/v1/datasets/{dataset}/tables/t/entries?version={draft}", "[{\"key\":\"c\",\"value\":3},{\"key\":\"\",\"value\":1}]"), HttpStatusCode.BadRequest, "invalid-request");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Api.PostRawAsync($"/v1/datasets/{dataset}/tables/t/entries?version={draft}", "[{\"key\":\"c\",\"value\":3},{\"key\":\"d\"}]"), HttpStatusCode.BadRequest, "invalid-request");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Api.PostRawAsync($"/v1/datasets/{dataset}/tables/t/entries?version={draft}", "[{\"key\":\"c\",\"value\":3,\"valeu\":4}]"), HttpStatusCode.BadRequest, "invalid-request");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Api.PostRawAsync($"/v1/datasets/{dataset}/tables/t/entries?version={draft}", "[{\"key\":\"c\",\"value\":tru}]"), HttpStatusCode.BadRequest, "invalid-request");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Api.PostRawAsync($"/v1/datasets/{dataset}/tables/t/entries?version={draft}", "[{\"key\":\"c\",\"value\":1},{\"key\":\"\\ud800\",\"value\":1}]"), HttpStatusCode.BadRequest, "invalid-request");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Api.PostRawAsync($"/v1/datasets/{dataset}/tables/t/entries/d?version={draft}", "{\"a\":"), HttpStatusCode.BadRequest, "invalid-request");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.PostAsJsonAsync($"/v1/versions/{draft}/discard", new { reason = new string('r', 1025) }), HttpStatusCode.BadRequest, "invalid-request");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Api.PostRawAsync($"/v1/datasets/{dataset}/tables/t/entries?version={draft}", $"[{{\"key\":\"{new string('k', 1025)}\",\"value\":1}}]"), HttpStatusCode.BadRequest, "invalid-request");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Api.PostRawAsync($"/v1/datasets/{dataset}/tables/t/entries", "[]"), HttpStatusCode.BadRequest, "invalid-request");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.GetAsync(new Uri($"/v1/versions?dataset={dataset}&limit=0", UriKind.Relative)), HttpStatusCode.BadRequest, "invalid-request");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.PostAsJsonAsync($"/v1/versions/{draft}/save", new { expect = new { t = new { entries = 1, checksum = "xyz" } } }), HttpStatusCode.BadRequest, "invalid-request");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.PostAsJsonAsync("/v1/datasets", new { name = OptimusApi.NewName(), tables = new[] { "t", "t" } }), HttpStatusCode.BadRequest, "invalid-request");
    }

    [Fact]
    public async Task InvalidName()
    {
        var (dataset, published, draft) = await SetUpAsync();
        string[] versions = [published, draft];
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.PostAsJsonAsync("/v1/datasets", new { name = "bad name!", tables = new[] { "t" } }), HttpStatusCode.BadRequest, "invalid-name");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.PostAsJsonAsync("/v1/datasets", new { name = OptimusApi.NewName(), tables = new[] { "-leading" } }), HttpStatusCode.BadRequest, "invalid-name");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.GetAsync(new Uri("/v1/datasets/" + new string('x', 129), UriKind.Relative)), HttpStatusCode.BadRequest, "invalid-name");
    }

    [Fact]
    public async Task PayloadTooLarge()
    {
        var (dataset, published, draft) = await SetUpAsync();
        string[] versions = [published, draft];
        var path = $"/v1/datasets/{dataset}/tables/t/entries?version={draft}";
        var tooMany = "[" + string.Join(",", Enumerable.Range(0, 10_001).Select(i => $"{{\"key\":\"k{i}\",\"value\":{i}}}")) + "]";
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Api.PostRawAsync(path, tooMany), HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        var hugeValue = $"[{{\"key\":\"c\",\"value\":\"{new string('v', 1 << 20)}\"}}]";
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Api.PostRawAsync(path, hugeValue), HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        var hugeBody = "[" + string.Join(",", Enumerable.Range(0, 17).Select(i => $"{{\"key\":\"k{i}\",\"value\":\"{new string('v', 1_000_000)}\"}}")) + "]";
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Api.PostRawAsync(path, hugeBody, expectContinue: true), HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        var manyKeys = "{\"keys\":[" + string.Join(",", Enumerable.Range(0, 1001).Select(i => $"\"k{i}\"")) + "]}";
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Api.PostRawAsync($"/v1/datasets/{dataset}/tables/t/lookup", manyKeys), HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Fact]
    public async Task DatasetExists_DatasetNotFound()
    {
        var (dataset, published, draft) = await SetUpAsync();
        string[] versions = [published, draft];
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.PostAsJsonAsync("/v1/datasets", new { name = dataset, tables = new[] { "other" } }), HttpStatusCode.Conflict, "dataset-exists");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.GetAsync(new Uri("/v1/datasets/no-such-dataset", UriKind.Relative)), HttpStatusCode.NotFound, "dataset-not-found");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.PostAsJsonAsync("/v1/versions", new { dataset = "no-such-dataset" }), HttpStatusCode.NotFound, "dataset-not-found");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.GetAsync(new Uri("/v1/datasets/no-such-dataset/tables/t/entries/a", UriKind.Relative)), HttpStatusCode.NotFound, "dataset-not-found");
    }

    [Fact]
    public async Task TableNotFound_400OnLoad_404OnRead()
    {
        var (dataset, published, draft) = await SetUpAsync();
        string[] versions = [published, draft];
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Api.PostRawAsync($"/v1/datasets/{dataset}?version={draft}", "[{\"table\":\"t\",\"key\":\"c\",\"value\":1},{\"table\":\"nope\",\"key\":\"c\",\"value\":1}]"), HttpStatusCode.BadRequest, "table-not-found");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Api.PostRawAsync($"/v1/datasets/{dataset}/tables/nope/entries?version={draft}", "[{\"key\":\"c\",\"value\":1}]"), HttpStatusCode.BadRequest, "table-not-found");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.GetAsync(new Uri($"/v1/datasets/{dataset}/tables/nope/entries/a", UriKind.Relative)), HttpStatusCode.NotFound, "table-not-found");
    }

    [Fact]
    public async Task VersionNotFound_VersionDatasetMismatch()
    {
        var (dataset, published, draft) = await SetUpAsync();
        var (other, otherPublished, _) = await SetUpAsync();
        string[] versions = [published, draft];
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.GetAsync(new Uri($"/v1/versions/{dataset}@99", UriKind.Relative)), HttpStatusCode.NotFound, "version-not-found");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.GetAsync(new Uri("/v1/versions/not-a-version", UriKind.Relative)), HttpStatusCode.NotFound, "version-not-found");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.GetAsync(new Uri($"/v1/datasets/{dataset}/tables/t/entries/a?version={dataset}@99", UriKind.Relative)), HttpStatusCode.NotFound, "version-not-found");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Api.PostRawAsync($"/v1/datasets/{dataset}/tables/t/entries?version={otherPublished}", "[{\"key\":\"c\",\"value\":1}]"), HttpStatusCode.BadRequest, "version-dataset-mismatch");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.GetAsync(new Uri($"/v1/datasets/{dataset}/tables/t/entries/a?version={otherPublished}", UriKind.Relative)), HttpStatusCode.BadRequest, "version-dataset-mismatch");
        Assert.NotEqual(dataset, other);
    }

    [Fact]
    public async Task InvalidTransition_VersionNotWritable()
    {
        var (dataset, published, draft) = await SetUpAsync();
        string[] versions = [published, draft];
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.PostAsync(new Uri($"/v1/versions/{draft}/publish", UriKind.Relative), null), HttpStatusCode.Conflict, "invalid-transition");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.PostAsync(new Uri($"/v1/versions/{published}/save", UriKind.Relative), null), HttpStatusCode.Conflict, "invalid-transition");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.PostAsJsonAsync($"/v1/versions/{published}/discard", new { reason = "no" }), HttpStatusCode.Conflict, "invalid-transition");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Api.PostEntriesAsync(dataset, "t", published, [("c", "1")]), HttpStatusCode.Conflict, "version-not-writable");
    }

    [Fact]
    public async Task NoActiveVersion_NoPreviousVersion_KeyNotFound()
    {
        var (dataset, published, draft) = await SetUpAsync();
        string[] versions = [published, draft];
        var empty = OptimusApi.NewName();
        await Api.CreateDatasetAsync(empty, ["t"]);
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.GetAsync(new Uri($"/v1/datasets/{empty}/tables/t/entries/a", UriKind.Relative)), HttpStatusCode.NotFound, "no-active-version");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.PostAsync(new Uri($"/v1/datasets/{dataset}/rollback", UriKind.Relative), null), HttpStatusCode.Conflict, "no-previous-version");
        await AssertProblemAndUnchangedAsync(dataset, versions, () => Http.GetAsync(new Uri($"/v1/datasets/{dataset}/tables/t/entries/zzz", UriKind.Relative)), HttpStatusCode.NotFound, "key-not-found");

        var missing = await Api.GetAsync(dataset, "t", "zzz");
        Assert.Equal((published, published), (missing.Version, missing.Active)); // a missing key still says what it read
    }

    [Fact]
    public async Task IntegrityMismatch()
    {
        var (dataset, published, draft) = await SetUpAsync();
        var failed = await Api.SaveAsync(draft, new { t = new { entries = 5, checksum = "0123456789abcdef" } });
        Assert.Equal("FAILED", failed.GetProperty("status").GetString());
        await AssertProblemAndUnchangedAsync(dataset, [published, draft], () => Http.PostAsync(new Uri($"/v1/versions/{draft}/publish", UriKind.Relative), null), HttpStatusCode.Conflict, "integrity-mismatch");
    }

    [Fact]
    public async Task Unavailable_WhenTheStoreIsHeldBusy_ThenTheRetryWorks()
    {
        await using var silo = await SiloProcess.StartAsync(environment: new Dictionary<string, string> { ["Optimus__Sqlite__BusyTimeout"] = "00:00:01" });
        var name = OptimusApi.NewName();
        await using (var blocker = new SqliteConnection($"Data Source={Path.Combine(silo.DataDirectory, "silo.db")};Pooling=False"))
        {
            await blocker.OpenAsync();
            await using var exclusive = blocker.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE";
            await exclusive.ExecuteNonQueryAsync();

            using var busy = await silo.Http.PostAsJsonAsync("/v1/datasets", new { name, tables = new[] { "t" } });
            await OptimusApi.ExpectProblemAsync(busy, HttpStatusCode.ServiceUnavailable, "unavailable");
            Assert.Equal("1", busy.Headers.RetryAfter?.ToString());
        }

        using var notCreated = await silo.Http.GetAsync(new Uri($"/v1/datasets/{name}", UriKind.Relative));
        await OptimusApi.ExpectProblemAsync(notCreated, HttpStatusCode.NotFound, "dataset-not-found");
        await silo.Api.CreateDatasetAsync(name, ["t"]);
    }
}
