using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Optimus.Grains;
using Optimus.Runtime;
using Optimus.Tests;
using Xunit.Abstractions;
using Xunit;

namespace Optimus.Silo.Tests;

/// <summary>
/// Three silo processes, as the README runs them, on one PostgreSQL: the REST API through any of them, and a silo
/// killed outright (SIGKILL) while the others serve reads.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterProcessTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static string Value(string version, string key) => $"\"{version}:{key}\"";

    private static async Task AssertReadsAsync(SiloProcess silo, string dataset, string version, List<string> keys)
    {
        foreach (var chunk in keys.Chunk(50))
        {
            var (body, read, _) = await silo.Api.GetManyAsync(dataset, "t", chunk);
            Assert.Equal(version, read);
            var found = body.GetProperty("found");
            Assert.All(chunk, k => Assert.Equal($"{version}:{k}", found.GetProperty(k).GetString()));
        }
    }

    [Fact]
    public async Task ThreeSilos_ServeOneDataset_ThroughAnyOfThem_AndSurviveASiloKilledDuringReads()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync();
        await using var cluster = await SiloCluster.StartAsync(connectionString, 3);
        var silos = cluster.Silos;
        var dataset = OptimusApi.NewName();
        var keys = Enumerable.Range(0, 600).Select(i => $"k{i}").ToList();
        await silos[0].Api.CreateDatasetAsync(dataset, ["t"]);
        var versions = new List<string>();
        for (var v = 0; v < 2; v++)
        {
            var version = await silos[1].Api.CreateVersionAsync(dataset, expectedEntries: 1_000_000); // 16 shards, on every silo
            foreach (var (chunk, index) in keys.Chunk(100).Select((c, i) => (c, i)))
            {
                await silos[index % 3].Api.LoadAsync(dataset, "t", version, chunk.Select(k => (k, Value(version, k))), batchId: $"b{index}");
            }

            var saved = await silos[2].Api.SaveAsync(version);
            Assert.Equal("SAVED", saved.GetProperty("status").GetString());
            versions.Add(version);
        }

        await silos[0].Api.PublishAsync(versions[0]);
        foreach (var silo in silos)
        {
            await AssertReadsAsync(silo, dataset, versions[0], keys); // the silos agree
        }

        // A .NET client outside the cluster finds the same silos in PostgreSQL and reads the same values.
        await using (var client = await ClusterClient.ConnectAsync(connectionString, o => o.Serialization.TypeInfoResolvers.Add(OptimusJsonContext.Default)))
        {
            for (var wait = 0; client.Gateways.Count < 3 && wait < 100; wait++)
            {
                await Task.Delay(50); // connecting waits for the first gateway; the others follow
            }

            Assert.Equal(3, client.Gateways.Count);
            var read = await client.GetGrain<IRouterGrain>(IRouterGrain.Key).GetMany(dataset, "t", [.. keys.Take(100)], null);
            Assert.Equal(versions[0], read.Version);
            Assert.Equal(keys.Take(100).Select(k => Value(versions[0], k)), read.Values.Select(v => System.Text.Encoding.UTF8.GetString(v!.Value.Span)));
        }

        // Readers on two silos while the third is killed; then a publish through a survivor.
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var failures = new List<TimeSpan>();
        var wrong = new List<string>();
        var reads = 0;
        var readers = silos.Take(2).Select(silo => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var chunk = keys.OrderBy(_ => Random.Shared.Next()).Take(10).ToList();
                var query = string.Join("&", chunk.Select(k => "key=" + k));
                using var response = await silo.Http.GetAsync(new Uri($"/v1/datasets/{dataset}/tables/t/entries?{query}", UriKind.Relative));
                var text = await response.Content.ReadAsStringAsync();
                lock (wrong)
                {
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, // "unavailable": retry
                            $"{(int)response.StatusCode} {text}\n{silo.Output[Math.Max(0, silo.Output.Length - 6000)..]}");
                        failures.Add(clock.Elapsed);
                        continue;
                    }

                    reads++;
                    var body = JsonDocument.Parse(text).RootElement;
                    var version = body.GetProperty("version").GetString()!;
                    if (!versions.Contains(version) || chunk.Any(k => body.GetProperty("found").GetProperty(k).GetString() != $"{version}:{k}"))
                    {
                        wrong.Add(text);
                    }
                }
            }
        })).ToList();

        await Task.Delay(500);
        var killedAt = clock.Elapsed;
        await silos[2].KillAsync();
        await cluster.WaitForAgreementAsync([.. silos.Take(2)]);
        var stableAt = clock.Elapsed;
        await Task.Delay(1000);
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Empty(wrong);
        Assert.All(failures, at => Assert.True(at < stableAt + TimeSpan.FromSeconds(1), $"a read failed {at - killedAt} after the kill"));
        await silos[1].Api.PublishAsync(versions[1]);
        await AssertReadsAsync(silos[0], dataset, versions[1], keys);
        await AssertReadsAsync(silos[1], dataset, versions[1], keys);
        output.WriteLine($"{reads} reads, {failures.Count} answered 503 in the {(stableAt - killedAt).TotalMilliseconds:F0} ms until the survivors agreed");
    }
}
