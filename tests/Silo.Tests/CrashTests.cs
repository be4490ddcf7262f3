using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Optimus.Grains;
using Optimus.Tests;
using Xunit;

namespace Optimus.Silo.Tests;

/// <summary>kill -9 in the middle of a load and after a publish: nothing acknowledged is lost, nothing is doubled.</summary>
public sealed class CrashTests
{
    private const int BatchSize = 400;

    private static string Batch(int batch) => "[" + string.Join(",", Enumerable.Range(0, BatchSize).Select(i =>
        $"{{\"table\":\"{(i % 2 == 0 ? "t" : "u")}\",\"key\":\"b{batch}-{i}\",\"value\":{{\"batch\":{batch},\"i\":{i}}}}}")) + "]";

    private static Dictionary<string, object> Expected(int batches)
    {
        var figures = new Dictionary<string, (long Entries, ulong Checksum)> { ["t"] = (0, 0), ["u"] = (0, 0) };
        for (var batch = 0; batch < batches; batch++)
        {
            for (var i = 0; i < BatchSize; i++)
            {
                var table = i % 2 == 0 ? "t" : "u";
                var (entries, checksum) = figures[table];
                figures[table] = (entries + 1, unchecked(checksum + EntryChecksum.Of($"b{batch}-{i}", Encoding.UTF8.GetBytes($"{{\"batch\":{batch},\"i\":{i}}}"))));
            }
        }

        return figures.ToDictionary(f => f.Key, f => (object)new { entries = f.Value.Entries, checksum = EntryChecksum.Format(f.Value.Checksum) });
    }

    [Fact]
    public async Task KillDuringALoad_LosesNoAcknowledgedBatch_AndRetriesAddNothingTwice()
    {
        await using var silo = await SiloProcess.StartAsync();
        var dataset = OptimusApi.NewName();
        await silo.Api.CreateDatasetAsync(dataset, ["t", "u"]);
        var version = await silo.Api.CreateVersionAsync(dataset, expectedEntries: 20_000);
        const int Batches = 200;

        var acknowledged = new ConcurrentBag<int>();
        var loader = Task.Run(async () =>
        {
            for (var batch = 0; batch < Batches; batch++)
            {
                try
                {
                    using var response = await silo.Api.PostRawAsync($"/v1/datasets/{dataset}?version={version}", Batch(batch), batchId: $"batch-{batch}");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        acknowledged.Add(batch);
                    }
                }
                catch (HttpRequestException)
                {
                    return; // the silo is gone
                }
            }
        });

        while (acknowledged.Count < 8)
        {
            await Task.Delay(5);
        }

        await silo.KillAsync();
        await loader;
        Assert.InRange(acknowledged.Count, 8, Batches - 1); // the kill landed in the middle of the load
        await silo.StartAsync();

        // Every acknowledged batch is there, read from the draft.
        foreach (var batch in acknowledged)
        {
            var (body, _, _) = await silo.Api.GetManyAsync(dataset, "t", Enumerable.Range(0, BatchSize / 2).Select(i => $"b{batch}-{i * 2}"), version);
            Assert.Empty(body.GetProperty("missing").EnumerateArray());
        }

        // The loader retries everything with the same batch ids; the declared figures then verify exactly.
        for (var batch = 0; batch < Batches; batch++)
        {
            using var retry = await silo.Api.PostRawAsync($"/v1/datasets/{dataset}?version={version}", Batch(batch), batchId: $"batch-{batch}");
            var accepted = (await OptimusApi.ExpectAsync(retry, HttpStatusCode.OK)).GetProperty("accepted").GetInt32();
            if (acknowledged.Contains(batch))
            {
                Assert.Equal(0, accepted);
            }
        }

        var saved = await silo.Api.SaveAsync(version, Expected(Batches));
        Assert.Equal("SAVED", saved.GetProperty("status").GetString());
    }

    [Fact]
    public async Task KillAfterAPublish_TheRestartedSiloServesThePublishedVersion_WithItsFiguresVerified()
    {
        await using var silo = await SiloProcess.StartAsync();
        var dataset = OptimusApi.NewName();
        await silo.Api.CreateDatasetAsync(dataset, ["t", "u"]);
        var old = await silo.Api.CreateVersionAsync(dataset);
        await silo.Api.LoadAsync(dataset, "t", old, [("b0-0", "\"old\"")]);
        await silo.Api.SaveAsync(old);
        await silo.Api.PublishAsync(old);
        var version = await silo.Api.CreateVersionAsync(dataset, expectedEntries: 4000);
        for (var batch = 0; batch < 10; batch++)
        {
            using var load = await silo.Api.PostRawAsync($"/v1/datasets/{dataset}?version={version}", Batch(batch));
            await OptimusApi.ExpectAsync(load, HttpStatusCode.OK);
        }

        var expected = Expected(10);
        await silo.Api.SaveAsync(version, expected);
        await silo.Api.PublishAsync(version);

        await silo.KillAsync();
        await silo.StartAsync();

        var read = await silo.Api.GetAsync(dataset, "t", "b0-0");
        Assert.Equal((HttpStatusCode.OK, "{\"batch\":0,\"i\":0}", version, version), (read.Status, read.Body, read.Version, read.Active));
        for (var batch = 0; batch < 10; batch++)
        {
            var (body, _, _) = await silo.Api.GetManyAsync(dataset, "u", Enumerable.Range(0, BatchSize / 2).Select(i => $"b{batch}-{(i * 2) + 1}"));
            Assert.Empty(body.GetProperty("missing").EnumerateArray());
        }

        var info = await silo.Api.GetJsonAsync($"/v1/versions/{version}");
        Assert.Equal("PUBLISHED", info.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(expected["t"]), info.GetProperty("tables").GetProperty("t").GetRawText());
    }
}
