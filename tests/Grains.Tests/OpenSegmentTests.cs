using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Optimus.Grains.Loading;
using Optimus.Grains.Routing;
using Optimus.Runtime;
using Optimus.Runtime.Testing;
using Xunit;

namespace Optimus.Grains.Tests;

/// <summary>
/// Reads of sealed shards from the segments their grains have open on this silo, without a turn of the grain: they
/// answer what the grain would, stop when the grain deactivates or deletes its data, and keep the grain alive.
/// </summary>
public sealed class OpenSegmentTests
{
    private const string Table = "t";

    [Fact]
    public async Task SealedShards_AreRead_WithoutACallToTheirGrain_OnceItHasOpenedTheSegment()
    {
        await using var cluster = await StartAsync();
        var (version, reader) = await PublishAsync(cluster, entries: 200);
        var calls = cluster.Services.GetRequiredService<ShardReadCounter>();

        Assert.Equal("\"v0\"", Text((await reader.GetAsync(version.Dataset, Table, "k0", null)).Value));
        Assert.Equal(1, calls.Reads);
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal($"\"v{i}\"", Text((await reader.GetAsync(version.Dataset, Table, $"k{i}", null)).Value));
        }

        Assert.Null((await reader.GetAsync(version.Dataset, Table, "absent", null)).Value);
        var many = await reader.GetManyAsync(version.Dataset, Table, ["k1", "absent", "k199"], version.Id);
        Assert.Equal(["\"v1\"", "(missing)", "\"v199\""], many.Values.Select(Text));

        // The first read opened the only shard's segment; every later read, single or many, found it open.
        Assert.Equal(1, calls.Reads);
    }

    [Fact]
    public async Task AMultiKeyRead_TakesTheOpenSegments_AndAsksTheGrainsOfTheOtherShards_InTheKeysOrder()
    {
        await using var cluster = await StartAsync();
        var (version, reader) = await PublishAsync(cluster, entries: 2000, expectedEntries: 250_000); // four shards
        Assert.Equal(4, version.Shards);
        var calls = cluster.Services.GetRequiredService<ShardReadCounter>();
        var layout = new VersionLayout(version.Id, version.Dataset, [Table], version.Shards);
        var keys = Enumerable.Range(0, 2000).Select(i => $"k{i}").ToList();
        var first = keys.First(k => layout.ShardOf(k) == 0);
        var second = keys.First(k => layout.ShardOf(k) == 1);
        await reader.GetAsync(version.Dataset, Table, first, null); // shards 0 and 1 open their segments
        await reader.GetAsync(version.Dataset, Table, second, null);
        Assert.Equal(2, calls.Reads);

        var asked = keys.Select((k, i) => i % 3 == 0 ? $"absent{i}" : k).ToList();
        var read = await reader.GetManyAsync(version.Dataset, Table, [.. asked], null);

        Assert.Equal(asked.Select(k => k.StartsWith("absent", StringComparison.Ordinal) ? "(missing)" : $"\"v{k[1..]}\""), read.Values.Select(Text));
        Assert.Equal(4, calls.Reads); // one GetMany for each shard that had not opened its segment
    }

    [Fact]
    public async Task Reads_OfKeysOfManyLengthsAndScripts_FindEachInTheOpenSegments()
    {
        await using var cluster = await StartAsync();
        static string KeyOf(int i) => (i % 100, i % 4) switch
        {
            (2, _) => $"{new string('é', 510)}{i:D4}", // 1,024 bytes of UTF-8: the longest key there may be
            (_, 0) => $"k{i}",
            (_, 1) => $"clé/ü/{i}",
            (_, 2) => $"{new string('x', i % 700)}{i}",
            _ => $"日本/{i}/😀",
        };
        var (version, reader) = await PublishAsync(cluster, entries: 1200, expectedEntries: 250_000, keyOf: KeyOf); // four shards
        var asked = Enumerable.Range(0, 1200).Select(i => i % 5 == 4 ? KeyOf(i) + "!" : KeyOf(i)).ToList(); // every fifth absent
        var expected = asked.Select((_, i) => i % 5 == 4 ? "(missing)" : $"\"v{i}\"").ToList();
        await reader.GetManyAsync(version.Dataset, Table, [.. asked], version.Id); // the shards' grains open their segments
        var calls = cluster.Services.GetRequiredService<ShardReadCounter>();
        var before = calls.Reads;

        var all = await reader.GetManyAsync(version.Dataset, Table, [.. asked], version.Id); // their UTF-8 past a stack buffer
        var few = await reader.GetManyAsync(version.Dataset, Table, [.. asked.Take(9)], version.Id); // within one
        var each = new List<string>();
        foreach (var key in asked.Take(40))
        {
            each.Add(Text((await reader.GetAsync(version.Dataset, Table, key, version.Id)).Value));
        }

        Assert.Equal(expected, all.Values.Select(Text));
        Assert.Equal(expected.Take(9), few.Values.Select(Text));
        Assert.Equal(expected.Take(40), each);
        Assert.Equal(before, calls.Reads); // all from the open segments
    }

    [Fact]
    public async Task AThousandKeyRead_OfValuesOfManySizes_ReturnsEachValueExactly_InTheKeysOrder()
    {
        await using var cluster = await StartAsync();
        static string ValueOf(int i) => $"\"{new string((char)('a' + (i % 26)), i % 300 == 0 ? 20_000 : 50 + (i % 400))}{i}\"";
        var (version, reader) = await PublishAsync(cluster, entries: 3000, expectedEntries: 250_000, valueOf: ValueOf); // four shards
        var asked = Enumerable.Range(0, 1000).Select(i => i % 10 == 9 ? $"absent{i}" : $"k{(i * 7) % 3000}").ToList();

        var calls = cluster.Services.GetRequiredService<ShardReadCounter>();

        var read = await reader.GetManyAsync(version.Dataset, Table, [.. asked], version.Id); // the shards' grains open their segments
        Assert.Equal(4, calls.Reads);
        var again = await reader.GetManyAsync(version.Dataset, Table, [.. asked], version.Id); // read from the open segments
        Assert.Equal(4, calls.Reads);

        var expected = asked.Select(k => k.StartsWith("absent", StringComparison.Ordinal) ? "(missing)" : ValueOf(int.Parse(k[1..], CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(expected, read.Values.Select(Text));
        Assert.Equal(expected, again.Values.Select(Text));
    }

    [Fact]
    public async Task AShardThatDeactivates_StopsServingFromItsSegment_AndItsNextActivationOpensItAgain()
    {
        await using var cluster = await StartAsync();
        var (version, reader) = await PublishAsync(cluster, entries: 10);
        var calls = cluster.Services.GetRequiredService<ShardReadCounter>();
        var shard = cluster.Client.GetGrain<IEntryShardGrain>($"{version.Id}/{Table}/0");

        await reader.GetAsync(version.Dataset, Table, "k1", null);
        await cluster.DeactivateAsync(shard);
        Assert.Equal("\"v2\"", Text((await reader.GetAsync(version.Dataset, Table, "k2", null)).Value));
        Assert.Equal("\"v3\"", Text((await reader.GetAsync(version.Dataset, Table, "k3", null)).Value));

        Assert.Equal(2, calls.Reads); // one per activation
    }

    [Fact]
    public async Task AShardWhoseDataIsDeleted_RefusesReads_ThatItsOpenSegmentServedBefore()
    {
        await using var cluster = await StartAsync();
        var (version, reader) = await PublishAsync(cluster, entries: 10);
        await reader.GetAsync(version.Dataset, Table, "k1", version.Id);

        await cluster.Client.GetGrain<IEntryShardGrain>($"{version.Id}/{Table}/0").DeleteData();

        var refused = await Assert.ThrowsAsync<ProblemException>(() => reader.GetAsync(version.Dataset, Table, "k1", version.Id));
        Assert.Equal(ProblemCodes.VersionNotFound, refused.Code);
    }

    [Fact]
    public async Task ReadsFromTheOpenSegment_KeepTheShardActive_AndItIsCollectedOnceTheyStop()
    {
        var age = TimeSpan.FromSeconds(1);
        await using var cluster = await StartAsync(silo => silo.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionAge = age;
            o.CollectionQuantum = TimeSpan.FromMilliseconds(100);
        }));
        var (version, reader) = await PublishAsync(cluster, entries: 10);
        var shard = cluster.Client.GetGrain<IEntryShardGrain>($"{version.Id}/{Table}/0");
        await reader.GetAsync(version.Dataset, Table, "k1", version.Id);
        var activation = Assert.Single(cluster.GetActivationIds(shard));

        var until = DateTime.UtcNow + (4 * age); // four ages of reads that never reach the grain
        while (DateTime.UtcNow < until)
        {
            await reader.GetAsync(version.Dataset, Table, "k1", version.Id);
            await Task.Delay(20);
        }

        Assert.Equal([activation], cluster.GetActivationIds(shard));
        for (var waited = 0; cluster.GetActivationIds(shard).Count > 0; waited += 50)
        {
            Assert.True(waited < 10_000, "the shard was never collected once its reads stopped");
            await Task.Delay(50);
        }

        Assert.Equal("\"v1\"", Text((await reader.GetAsync(version.Dataset, Table, "k1", version.Id)).Value));
    }

    [Fact]
    public async Task ReadsRacingDeactivations_AlwaysAnswerTheValue_AndNeverTouchAnUnmappedSegment()
    {
        await using var cluster = await StartAsync();
        var (version, reader) = await PublishAsync(cluster, entries: 1000);
        var shard = cluster.Client.GetGrain<IEntryShardGrain>($"{version.Id}/{Table}/0");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var wrong = new ConcurrentBag<string>();
        var reads = 0;

        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            var random = new Random(r);
            while (!stop.IsCancellationRequested)
            {
                var i = random.Next(1000);
                var value = Text((await reader.GetAsync(version.Dataset, Table, $"k{i}", version.Id)).Value);
                if (value != $"\"v{i}\"")
                {
                    wrong.Add($"k{i} read {value}");
                }

                if (Interlocked.Increment(ref reads) % 100 == 0)
                {
                    await Task.Yield(); // reads from an open segment finish at once: let the deactivations have their turn
                }
            }
        })).ToArray();
        var deactivations = 0;
        while (!stop.IsCancellationRequested)
        {
            await cluster.DeactivateAsync(shard); // its segment is withdrawn and disposed while reads are in it
            deactivations++;
            await Task.Delay(10);
        }

        await Task.WhenAll(readers);
        Assert.Empty(wrong);
        Assert.True(deactivations > 10 && reads > 1000, $"{deactivations} deactivations, {reads} reads");
    }

    private static async Task<TestCluster> StartAsync(Action<ISiloBuilder>? configure = null)
    {
        var cluster = new TestCluster((silo, cluster) =>
        {
            silo.AddOptimus(o => o.DataDirectory = cluster.DataDirectory).AddSqliteGrainStorage().UseSqliteReminders();
            silo.Services.AddSingleton<ShardReadCounter>();
            silo.Services.AddSingleton<IIncomingGrainCallFilter>(sp => sp.GetRequiredService<ShardReadCounter>());
            configure?.Invoke(silo);
        });
        await cluster.StartAsync();
        return cluster;
    }

    // A published version (of one shard, unless told to expect more entries) holding k0..k{n-1} = "v0".."v{n-1}".
    private static async Task<(VersionInfo Version, EntryReader Reader)> PublishAsync(
        TestCluster cluster, int entries, long expectedEntries = 1, Func<int, string>? valueOf = null, Func<int, string>? keyOf = null)
    {
        valueOf ??= i => $"\"v{i}\"";
        keyOf ??= i => $"k{i}";
        var name = OptimusCluster.NewName();
        var dataset = cluster.Client.GetGrain<IDatasetGrain>(name);
        await dataset.Create([Table], new RetentionPolicy());
        var version = await dataset.CreateVersion(null, expectedEntries);
        await cluster.Services.GetRequiredService<EntryWriter>().WriteAsync(
            name, version.Id, "b", [.. Enumerable.Range(0, entries).Select(i => (Table, new Entry(keyOf(i), Encoding.UTF8.GetBytes(valueOf(i)))))]);
        await dataset.Save(version.Id, null);
        await LifecycleTests.WaitForAsync(dataset, version.Id, VersionStatus.Saved);
        await dataset.Publish(version.Id);
        return (version, cluster.Services.GetRequiredService<EntryReader>());
    }

    private static string Text(ReadOnlyMemory<byte>? value) => value is { } bytes ? Encoding.UTF8.GetString(bytes.Span) : "(missing)";

    /// <summary>Counts the read calls shard grains serve.</summary>
    private sealed class ShardReadCounter : IIncomingGrainCallFilter
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.Grain is IEntryShardGrain && context.InterfaceMethod.Name is nameof(IEntryShardGrain.Get) or nameof(IEntryShardGrain.GetMany))
            {
                Interlocked.Increment(ref _reads);
            }

            return context.Invoke();
        }
    }
}
