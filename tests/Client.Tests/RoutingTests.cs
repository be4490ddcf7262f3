using Optimus.Tests;
using Xunit;

namespace Optimus.Client.Tests;

/// <summary>
/// In a cluster of three silo processes, the SDK sends each single-key read through the gateway of the silo that
/// holds the key's shard, though it was told of only one silo: every read is served where it lands, without a hop to
/// another silo; and its reads go on answering rightly while a silo is killed.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RoutingTests(PostgresFixture postgres)
{
    [Fact]
    public async Task SingleKeyReads_GoStraightToTheSiloHoldingTheirShard()
    {
        await using var cluster = await SiloCluster.StartAsync(await postgres.Server.CreateDatabaseAsync(), 3);
        var servers = cluster.Silos.Select(s => $"http://127.0.0.1:{s.Port}").ToList();
        using var client = new OptimusClient(new OptimusClientOptions { Servers = { new Uri(servers[0]) } });
        var dataset = (await client.CreateDatasetAsync(OptimusApi.NewName(), ["t"])).Name;
        var version = await client.CreateVersionAsync(dataset, expectedEntries: 1_000_000); // 16 shards over the three silos
        var loaded = await client.LoadAsync(version.Id, Entries(20_000));
        await client.SaveAsync(version.Id, loaded.Tables);
        await client.PublishAsync(version.Id);

        // Every silo draws the same map, naming each silo's own HTTP address.
        var maps = await Task.WhenAll(cluster.Silos.Select(s => s.Api.GetJsonAsync($"/v1/versions/{version.Id}/routes")));
        var owners = maps[0].GetProperty("tables").GetProperty("t").EnumerateArray().Select(u => u.GetString()).ToList();
        Assert.Equal(16, owners.Count);
        Assert.All(maps, m => Assert.Equal(owners, m.GetProperty("tables").GetProperty("t").EnumerateArray().Select(u => u.GetString())));
        Assert.Equal(servers.Order(), owners.Distinct().Order());

        // Warm up: the client connects to the gateways, learns the active version from a read, then its routes.
        await GatewayReadTests.ReadThroughGatewayAsync(client, cluster.Silos, dataset);

        var before = await Task.WhenAll(cluster.Silos.Select(silo => CountsAsync(silo, dataset)));
        var random = new Random(7);
        for (var i = 0; i < 300; i++)
        {
            var key = $"k{random.Next(20_000)}";
            Assert.Equal($"{{\"n\":{key[1..]}}}", (await client.GetAsync(dataset, "t", key)).JsonText);
        }

        var after = await Task.WhenAll(cluster.Silos.Select(silo => CountsAsync(silo, dataset)));
        var served = Enumerable.Range(0, 3).Select(i => after[i] - before[i]).ToList();
        Assert.Equal(300, served.Sum(s => s.Read));
        Assert.Equal(300, served.Sum(s => s.ThroughGateway)); // every read came in through a silo's gateway, none over HTTP
        Assert.All(served, s => Assert.Equal(0, s.Forwarded)); // each silo's reads found their shard at home
        Assert.True(served.Count(s => s.Read > 0) >= 2, $"the reads went to more than the one silo the client was told of: {string.Join(", ", served)}");

        // The same reads sent to one silo, unrouted, do hop: its shards are a third of them.
        var first = cluster.Silos[0];
        var unrouted = await SiloMetrics.KeysForwardedAsync(first, dataset);
        for (var i = 0; i < 60; i++)
        {
            using var response = await first.Http.GetAsync(new Uri($"/v1/datasets/{dataset}/tables/t/entries/k{random.Next(20_000)}", UriKind.Relative));
            response.EnsureSuccessStatusCode();
        }

        Assert.InRange(await SiloMetrics.KeysForwardedAsync(first, dataset) - unrouted, 1, 59);
    }

    [Fact]
    public async Task SdkReads_KeepAnsweringRightly_WhileASiloIsKilled()
    {
        await using var cluster = await SiloCluster.StartAsync(await postgres.Server.CreateDatabaseAsync(), 3);
        using var client = new OptimusClient(new OptimusClientOptions { Servers = { new Uri($"http://127.0.0.1:{cluster.Silos[0].Port}") } });
        var dataset = (await client.CreateDatasetAsync(OptimusApi.NewName(), ["t"])).Name;
        var version = await client.CreateVersionAsync(dataset, expectedEntries: 1_000_000);
        var loaded = await client.LoadAsync(version.Id, Entries(5_000));
        await client.SaveAsync(version.Id, loaded.Tables);
        await client.PublishAsync(version.Id);

        using var stop = new CancellationTokenSource();
        var wrong = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var reads = 0;
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            var random = new Random(r);
            while (!stop.IsCancellationRequested)
            {
                var i = random.Next(5_000);
                var read = await client.GetAsync(dataset, "t", $"k{i}");
                if (read.JsonText != $"{{\"n\":{i}}}" || read.Version != version.Id)
                {
                    wrong.Enqueue($"k{i}: {read.JsonText} from {read.Version}");
                }

                Interlocked.Increment(ref reads);
            }
        })).ToArray();

        await Task.Delay(2000);
        var before = Volatile.Read(ref reads);
        await cluster.Silos[2].KillAsync(); // a third of the shards, and one of the gateways the reads go through
        await Task.Delay(8000);
        stop.Cancel();
        await Task.WhenAll(readers); // a read that failed for good would throw here

        Assert.Empty(wrong);
        Assert.True(Volatile.Read(ref reads) - before > 100, $"reads went on after the kill: {Volatile.Read(ref reads) - before}");
    }

    private static async IAsyncEnumerable<TableEntry> Entries(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return TableEntry.FromJson("t", $"k{i}", $"{{\"n\":{i}}}");
        }

        await Task.CompletedTask;
    }

    private static async Task<Counts> CountsAsync(SiloProcess silo, string dataset) => new(
        await SiloMetrics.KeysReadAsync(silo, dataset), await SiloMetrics.KeysForwardedAsync(silo, dataset), await SiloMetrics.CallsAsync(silo, "router", "Get"));

    /// <summary>A silo's keys read, those of them read from another silo, and the single-key reads its gateway took.</summary>
    private readonly record struct Counts(long Read, long Forwarded, long ThroughGateway)
    {
        public static Counts operator -(Counts a, Counts b) => new(a.Read - b.Read, a.Forwarded - b.Forwarded, a.ThroughGateway - b.ThroughGateway);
    }
}
