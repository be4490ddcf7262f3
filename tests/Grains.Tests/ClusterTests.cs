using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Optimus.Grains.Loading;
using Optimus.Runtime;
using Optimus.Runtime.Testing;
using Optimus.Tests;
using Xunit;
using Xunit.Abstractions;

namespace Optimus.Grains.Tests;

/// <summary>
/// Optimus on three silos sharing one PostgreSQL database: the whole life of a version through any silo; a silo killed
/// during a load and during reads; a silo stopped gracefully under load.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const string Users = "users";
    private const string Items = "items";

    private static string Value(string version, string key) => $"\"{version}:{key}\"";

    private static string Text(ReadOnlyMemory<byte>? value) => value is { } bytes ? Encoding.UTF8.GetString(bytes.Span) : "(missing)";

    /// <summary>What versions declare they expect: enough for 16 shards per table, so that every silo holds some.</summary>
    private const long ManyEntries = 1_000_000;

    private static List<string> Keys(int count) => [.. Enumerable.Range(0, count).Select(i => $"k{i:D5}")];

    private async Task<TestCluster> StartAsync()
    {
        var cluster = OptimusCluster.OnPostgres(await postgres.Server.CreateDatabaseAsync(), silos: 3);
        await cluster.StartAsync();
        return cluster;
    }

    /// <summary>Loads <paramref name="keys"/> into both tables in batches of 50, retrying each batch (same id) until it is in.</summary>
    private static async Task<int> LoadAsync(Func<EntryWriter> writer, string dataset, string version, List<string> keys, Action? afterBatch = null)
    {
        var retries = 0;
        foreach (var (chunk, index) in keys.Chunk(50).Select((c, i) => (c, i)))
        {
            var entries = chunk.SelectMany(k => new[] { Users, Items }.Select(t => (t, new Entry(k, Encoding.UTF8.GetBytes(Value(version, k)))))).ToList();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await writer().WriteAsync(dataset, version, $"batch-{index}", entries);
                    break;
                }
                catch (Exception exception) when (exception is not ProblemException && attempt < 20)
                {
                    retries++;
                    await Task.Delay(200);
                }
            }

            afterBatch?.Invoke();
        }

        return retries;
    }

    private static TableStats Expected(string version, List<string> keys)
    {
        ulong checksum = 0;
        foreach (var key in keys)
        {
            checksum += EntryChecksum.Of(key, Encoding.UTF8.GetBytes(Value(version, key)));
        }

        return new TableStats(keys.Count, EntryChecksum.Format(checksum));
    }

    /// <summary>Saves, declaring what each table must hold (both tables, unless <paramref name="tables"/> says).</summary>
    private static async Task<VersionInfo> SaveAsync(IDatasetGrain dataset, string version, List<string> keys, params string[] tables)
    {
        var expect = (tables.Length == 0 ? [Users, Items] : tables).ToImmutableDictionary(t => t, _ => Expected(version, keys));
        await dataset.Save(version, expect);
        for (var i = 0; i < 600; i++)
        {
            var info = await dataset.GetVersion(version);
            if (info.Status is VersionStatus.Saved or VersionStatus.Failed)
            {
                Assert.True(info.Status == VersionStatus.Saved, $"{version} failed: {string.Join("; ", info.History)}");
                return info;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{version} was not saved in time.");
    }

    private static async Task AssertReadsAsync(TestSilo silo, string dataset, string version, List<string> keys)
    {
        var router = silo.Client.GetGrain<IRouterGrain>(IRouterGrain.Key);
        foreach (var table in new[] { Users, Items })
        {
            foreach (var chunk in keys.Chunk(100))
            {
                var read = await router.GetMany(dataset, table, [.. chunk], null);
                Assert.Equal(version, read.Version);
                Assert.Equal(chunk.Select(k => Value(version, k)), read.Values.Select(Text));
            }
        }
    }

    /// <summary>What a client does with a call that failed because its silo died: calls again.</summary>
    private static async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (SiloUnavailableException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task AVersion_IsCreatedLoadedSavedPublishedAndRead_ThroughAnySilo_AndTheSilosAgree()
    {
        await using var cluster = await StartAsync();
        var (a, b, c) = (cluster.Silos[0], cluster.Silos[1], cluster.Silos[2]);
        var name = OptimusCluster.NewName();
        var keys = Keys(1000);

        await a.Client.GetGrain<IDatasetGrain>(name).Create([Users, Items], new RetentionPolicy());
        var version = (await b.Client.GetGrain<IDatasetGrain>(name).CreateVersion("cluster", ManyEntries)).Id;
        await LoadAsync(() => c.Services.GetRequiredService<EntryWriter>(), name, version, keys);
        var saved = await SaveAsync(a.Client.GetGrain<IDatasetGrain>(name), version, keys);
        await c.Client.GetGrain<IDatasetGrain>(name).Publish(version);

        Assert.Equal(keys.Count, saved.Tables![Users].Entries);
        foreach (var silo in cluster.Silos)
        {
            await AssertReadsAsync(silo, name, version, keys);
        }

        var shards = Enumerable.Range(0, saved.Shards).Select(s => a.Client.GetGrain<IEntryShardGrain>($"{version}/{Users}/{s}"));
        Assert.True(shards.Select(cluster.FindActivation).Distinct().Count() > 1, "the shards are spread over the silos");
    }

    [Fact]
    public async Task APublishAndARollback_AreSeenByEverySilo_AsSoonAsTheyAnswer()
    {
        await using var cluster = await StartAsync();
        var name = OptimusCluster.NewName();
        var keys = Keys(100);
        var dataset = cluster.Silos[0].Client.GetGrain<IDatasetGrain>(name);
        await dataset.Create([Users, Items], new RetentionPolicy());
        var versions = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var version = (await dataset.CreateVersion(null, ManyEntries)).Id;
            await LoadAsync(() => cluster.Silos[i].Services.GetRequiredService<EntryWriter>(), name, version, keys);
            await SaveAsync(dataset, version, keys);
            versions.Add(version);
        }

        await dataset.Publish(versions[0]);
        foreach (var silo in cluster.Silos)
        {
            await AssertReadsAsync(silo, name, versions[0], keys); // every silo now has the first version cached
        }

        await cluster.Silos[2].Client.GetGrain<IDatasetGrain>(name).Publish(versions[1]);
        foreach (var silo in cluster.Silos)
        {
            await AssertReadsAsync(silo, name, versions[1], keys);
        }

        await cluster.Silos[1].Client.GetGrain<IDatasetGrain>(name).Rollback();
        foreach (var silo in cluster.Silos)
        {
            await AssertReadsAsync(silo, name, versions[0], keys);
        }
    }

    [Fact]
    public async Task ASiloKilledDuringALoad_TheLoadFinishes_AndTheVersionSavesWithTheRightFigures()
    {
        await using var cluster = await StartAsync();
        var (entry, victim) = (cluster.Silos[0], cluster.Silos[2]);
        var name = OptimusCluster.NewName();
        var keys = Keys(3000);
        var dataset = entry.Client.GetGrain<IDatasetGrain>(name);
        await dataset.Create([Users, Items], new RetentionPolicy());
        var version = (await dataset.CreateVersion(null, ManyEntries)).Id;

        var batches = 0;
        var killed = Task.CompletedTask;
        var shardsOnVictim = 0;
        var retries = await LoadAsync(() => entry.Services.GetRequiredService<EntryWriter>(), name, version, keys, () =>
        {
            if (++batches == 20)
            {
                shardsOnVictim = Enumerable.Range(0, 16).Count(s =>
                    cluster.FindActivation(entry.Client.GetGrain<IEntryShardGrain>($"{version}/{Users}/{s}")) == victim);
                killed = victim.KillAsync(); // a third of the way in, while batches keep coming
            }
        });
        await killed;
        Assert.True(shardsOnVictim > 0, "the silo killed held some of the shards being loaded");

        var saved = await SaveAsync(dataset, version, keys); // Save checks the declared counts and checksums
        Assert.Equal(Expected(version, keys), saved.Tables![Users]);
        Assert.Equal(Expected(version, keys), saved.Tables![Items]);
        await dataset.Publish(version);
        await AssertReadsAsync(cluster.Silos[1], name, version, keys);
        output.WriteLine($"{shardsOnVictim} of 16 shards per table on the silo killed; {retries} batch retries after the kill");
    }

    [Fact]
    public async Task ASiloKilledDuringReads_ReadsRecover_AndNoneReturnsWrongOrMixedData()
    {
        await using var cluster = await StartAsync();
        var entry = cluster.Silos[0];
        var name = OptimusCluster.NewName();
        var keys = Keys(500);
        var dataset = entry.Client.GetGrain<IDatasetGrain>(name);
        await dataset.Create([Users, Items], new RetentionPolicy());
        var versions = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var version = (await dataset.CreateVersion(null, ManyEntries)).Id;
            await LoadAsync(() => entry.Services.GetRequiredService<EntryWriter>(), name, version, keys);
            await SaveAsync(dataset, version, keys);
            versions.Add(version);
        }

        await dataset.Publish(versions[0]);
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var failures = new ConcurrentQueue<(TimeSpan At, string What)>();
        var wrong = new ConcurrentQueue<string>();
        var reads = 0;
        var readers = cluster.Silos.Take(2).Select(silo => Task.Run(async () =>
        {
            var router = silo.Client.GetGrain<IRouterGrain>(IRouterGrain.Key);
            while (!stop.IsCancellationRequested)
            {
                var chunk = keys.OrderBy(_ => Random.Shared.Next()).Take(20).ToImmutableArray();
                try
                {
                    var read = await router.GetMany(name, Users, chunk, null);
                    Interlocked.Increment(ref reads);
                    if (!versions.Contains(read.Version) || !chunk.Select(k => Value(read.Version, k)).SequenceEqual(read.Values.Select(Text)))
                    {
                        wrong.Enqueue($"{read.Version}: {string.Join(", ", read.Values.Select(Text))}");
                    }
                }
                catch (Exception exception) when (exception is not ProblemException)
                {
                    failures.Enqueue((clock.Elapsed, exception is SiloUnavailableException ? exception.GetType().Name : $"{exception.GetType().Name}: {exception.Message}"));
                }
            }
        })).ToList();

        await Task.Delay(500);
        var killedAt = clock.Elapsed;
        await cluster.Silos[2].KillAsync();
        await RetryAsync(() => dataset.Publish(versions[1])); // the dataset grain may have been on the silo killed
        await cluster.WaitForStableAsync();
        var stableAt = clock.Elapsed;
        await Task.Delay(1500);
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Empty(wrong);
        var lastFailure = failures.IsEmpty ? killedAt : failures.Max(f => f.At);
        Assert.True(lastFailure <= stableAt + TimeSpan.FromMilliseconds(500),
            $"reads failed after the cluster was stable again: {string.Join(", ", failures.Where(f => f.At > stableAt))}");
        await AssertReadsAsync(cluster.Silos[1], name, versions[1], keys);
        output.WriteLine(
            $"{reads} reads, {failures.Count} failed ({string.Join(", ", failures.GroupBy(f => f.What).Select(g => $"{g.Count()} {g.Key}"))}); " +
            $"last failure {(lastFailure - killedAt).TotalMilliseconds:F0} ms after the kill; stable after {(stableAt - killedAt).TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task AGracefulStop_MovesGrainsAway_WithoutASingleFailedCall()
    {
        await using var cluster = await StartAsync();
        var (reader, loader, leaving) = (cluster.Silos[0], cluster.Silos[1], cluster.Silos[2]);
        var name = OptimusCluster.NewName();
        var keys = Keys(500);
        var dataset = reader.Client.GetGrain<IDatasetGrain>(name);
        await dataset.Create([Users, Items], new RetentionPolicy());
        var published = (await dataset.CreateVersion(null, ManyEntries)).Id;
        await LoadAsync(() => reader.Services.GetRequiredService<EntryWriter>(), name, published, keys);
        await SaveAsync(dataset, published, keys);
        await dataset.Publish(published);
        var draft = (await dataset.CreateVersion(null, ManyEntries)).Id;

        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<Exception>();
        var reading = Task.Run(async () =>
        {
            var router = reader.Client.GetGrain<IRouterGrain>(IRouterGrain.Key);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var read = await router.GetMany(name, Items, [.. keys.Take(30)], null);
                    Assert.Equal(keys.Take(30).Select(k => Value(published, k)), read.Values.Select(Text));
                }
                catch (Exception exception)
                {
                    failures.Enqueue(exception);
                }
            }
        });
        var writer = loader.Services.GetRequiredService<EntryWriter>();
        var loading = Task.Run(async () =>
        {
            foreach (var (chunk, index) in keys.Chunk(25).Select((c, i) => (c, i)))
            {
                try
                {
                    await writer.WriteAsync(name, draft, $"b{index}", [.. chunk.Select(k => (Users, new Entry(k, Encoding.UTF8.GetBytes(Value(draft, k)))))]);
                }
                catch (Exception exception)
                {
                    failures.Enqueue(exception);
                }
            }
        });

        await Task.Delay(300);
        await leaving.StopAsync();
        await cluster.WaitForStableAsync();
        await loading;
        await stop.CancelAsync();
        await reading;

        Assert.Empty(failures);
        var saved = await SaveAsync(dataset, draft, keys, Users); // every batch acknowledged during the stop is in
        Assert.Equal(Expected(draft, keys), saved.Tables![Users]);
    }
}
