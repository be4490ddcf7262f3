using System.Text.RegularExpressions;
using Optimus.Tests;
using Xunit;

namespace Optimus.Client.Tests;

/// <summary>
/// In a cluster of three silo processes, the SDK sends each single-key read to the silo that holds the key's shard,
/// though it was told of only one silo: every read is served where it lands, without a hop to another silo.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class RoutingTests(PostgresFixture postgres)
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

        // Warm up: the client learns the active version from a read, then the routes of that version.
        for (var i = 0; i < 20; i++)
        {
            await client.GetAsync(dataset, "t", $"k{i}");
            await Task.Delay(20);
        }

        var before = await Task.WhenAll(cluster.Silos.Select(silo => CountsAsync(silo, dataset)));
        var random = new Random(7);
        for (var i = 0; i < 300; i++)
        {
            var key = $"k{random.Next(20_000)}";
            Assert.Equal($"{{\"n\":{key[1..]}}}", (await client.GetAsync(dataset, "t", key)).JsonText);
        }

        var after = await Task.WhenAll(cluster.Silos.Select(silo => CountsAsync(silo, dataset)));
        var served = Enumerable.Range(0, 3).Select(i => (Routed: after[i].Read - before[i].Read, Forwarded: after[i].Forwarded - before[i].Forwarded)).ToList();
        Assert.Equal(300, served.Sum(s => s.Routed));
        Assert.All(served, s => Assert.Equal(0, s.Forwarded)); // each silo's reads found their shard at home
        Assert.True(served.Count(s => s.Routed > 0) >= 2, $"the reads went to more than the one silo the client was told of: {string.Join(", ", served)}");

        // The same reads sent to one silo, unrouted, do hop: its shards are a third of them.
        var first = cluster.Silos[0];
        var unrouted = await CountsAsync(first, dataset);
        for (var i = 0; i < 60; i++)
        {
            using var response = await first.Http.GetAsync(new Uri($"/v1/datasets/{dataset}/tables/t/entries/k{random.Next(20_000)}", UriKind.Relative));
            response.EnsureSuccessStatusCode();
        }

        var hopped = (await CountsAsync(first, dataset)).Forwarded - unrouted.Forwarded;
        Assert.InRange(hopped, 1, 59);
    }

    private static async IAsyncEnumerable<TableEntry> Entries(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return TableEntry.FromJson("t", $"k{i}", $"{{\"n\":{i}}}");
        }

        await Task.CompletedTask;
    }

    // From a silo's /metrics: the keys of the dataset read through it, and those of them it read from a shard on
    // another silo.
    private static async Task<(long Read, long Forwarded)> CountsAsync(SiloProcess silo, string dataset)
    {
        var text = await silo.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return (Sum(KeysRead().Matches(text)), Sum(KeysForwarded().Matches(text)));

        long Sum(MatchCollection counters) => counters
            .Where(m => m.Groups["labels"].Value.Contains($"dataset=\"{dataset}\"", StringComparison.Ordinal))
            .Sum(m => long.Parse(m.Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^optimus_keys_read_total\{(?<labels>[^}]*)\} (?<count>\d+)$", RegexOptions.Multiline)]
    private static partial Regex KeysRead();

    [GeneratedRegex(@"^optimus_keys_forwarded_total\{(?<labels>[^}]*)\} (?<count>\d+)$", RegexOptions.Multiline)]
    private static partial Regex KeysForwarded();
}
