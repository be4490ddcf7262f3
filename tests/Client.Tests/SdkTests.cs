using System.Collections.Concurrent;
using System.Net;
using Optimus.Grains;
using Optimus.Runtime.Testing;
using Optimus.Tests;
using Xunit;

namespace Optimus.Client.Tests;

/// <summary>The SDK against an embedded silo on loopback: integrity, consistent multi-key reads, clear errors, fail-over.</summary>
public sealed class SdkTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private static async IAsyncEnumerable<TableEntry> Entries(string table, int count, Func<int, string> value)
    {
        for (var i = 0; i < count; i++)
        {
            yield return TableEntry.FromJson(table, $"k{i}", value(i));
        }

        await Task.CompletedTask;
    }

    private static async Task<string> LoadVersionAsync(OptimusClient client, string dataset, int count, string tag, LoadOptions? options = null)
    {
        var version = await client.CreateVersionAsync(dataset, label: tag);
        var summary = await client.LoadAsync(version.Id, Entries("t", count, i => $"\"{tag}:{i}\""), options);
        await client.SaveAsync(version.Id, summary.Tables);
        return version.Id;
    }

    [Fact]
    public async Task ALostBatch_MakesTheSaveFail_WithACountMismatch_AndTheVersionCanNeverBePublished()
    {
        using var client = service.NewClient();
        var dataset = (await client.CreateDatasetAsync(OptimusApi.NewName(), ["t"])).Name;
        var version = await client.CreateVersionAsync(dataset);

        var summary = await client.LoadAsync(version.Id, Entries("t", 20_000, i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new LoadOptions { MaxBatchEntries = 500, DropBatch = 3 });
        Assert.Equal(20_000, summary.Tables["t"].Entries); // counted, though one batch never left

        var failed = await Assert.ThrowsAsync<VersionFailedException>(() => client.SaveAsync(version.Id, summary.Tables));
        Assert.Equal(VersionStatus.Failed, failed.Version.Status);
        Assert.Contains("20000", failed.Message.Replace(",", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<OptimusException>(() => client.PublishAsync(version.Id));
        Assert.Equal(ProblemCodes.IntegrityMismatch, refused.Code);
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
    }

    [Fact]
    public async Task KeysWrittenMoreThanOnce_KeepTheirLastValue_ThoughBatchesGoInParallel()
    {
        using var client = service.NewClient();
        var dataset = (await client.CreateDatasetAsync(OptimusApi.NewName(), ["t"])).Name;
        var version = await client.CreateVersionAsync(dataset, expectedEntries: 1_000); // one shard, so all batches meet there

        // 500 keys written 40 times each in a row: a key's writes span two batches of 25, eight senders at work.
        var summary = await client.LoadAsync(version.Id, Rounds(), new LoadOptions { MaxBatchEntries = 25, Parallelism = 8 });
        Assert.Equal(500, summary.Tables["t"].Entries);
        var saved = await client.SaveAsync(version.Id, summary.Tables); // the server kept, for each key, the value the tally did
        Assert.Equal(500, saved.Tables!["t"].Entries);

        var read = await client.GetManyAsync(dataset, "t", [.. Enumerable.Range(0, 500).Select(i => $"k{i}")], version.Id);
        Assert.All(read.Found, pair => Assert.Equal("39", System.Text.Encoding.UTF8.GetString(pair.Value.Span)));

        static async IAsyncEnumerable<TableEntry> Rounds()
        {
            for (var i = 0; i < 500; i++)
            {
                for (var write = 0; write < 40; write++)
                {
                    yield return TableEntry.FromJson("t", $"k{i}", write.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            await Task.CompletedTask;
        }
    }

    [Fact]
    public async Task KeysThatJsonEscapes_AreLoadedAndCounted_AsTheyWere()
    {
        string[] keys = ["a\"quote", "back\\slash", "tab\there", "line\nbreak", "\u0001\u001f", "café", "🙂"];
        using var client = service.NewClient();
        var dataset = (await client.CreateDatasetAsync(OptimusApi.NewName(), ["t"])).Name;
        var version = await client.CreateVersionAsync(dataset);
        var summary = await client.LoadAsync(version.Id, keys.Select((k, i) => TableEntry.FromJson("t", k, $"{i}")).ToAsyncEnumerable());
        await client.SaveAsync(version.Id, summary.Tables); // the service's count and checksum over the keys it decoded match the SDK's

        var read = await client.GetManyAsync(dataset, "t", keys, version.Id);
        Assert.Equal(keys.Select((_, i) => $"{i}"), keys.Select(read.JsonText));
    }

    [Fact]
    public async Task SavingAgain_WithOtherCounts_IsRefused_AndKeysThatAreDotSegmentsCanBeRead()
    {
        using var client = service.NewClient();
        var dataset = (await client.CreateDatasetAsync(OptimusApi.NewName(), ["t"])).Name;
        var version = await client.CreateVersionAsync(dataset);
        var summary = await client.LoadAsync(version.Id, Dots());
        await client.SaveAsync(version.Id, summary.Tables);

        Assert.Equal(version.Id, (await client.SaveAsync(version.Id, summary.Tables)).Id); // repeated: the same declaration passes
        var other = new Dictionary<string, TableStats> { ["t"] = new(summary.Tables["t"].Entries + 1, summary.Tables["t"].Checksum) };
        var refused = await Assert.ThrowsAsync<OptimusException>(() => client.SaveAsync(version.Id, other));
        Assert.Equal(ProblemCodes.IntegrityMismatch, refused.Code);

        Assert.Equal("\"dot\"", (await client.GetAsync(dataset, "t", ".", version.Id)).JsonText);
        Assert.Equal("\"dots\"", (await client.GetAsync(dataset, "t", "..", version.Id)).JsonText);

        static async IAsyncEnumerable<TableEntry> Dots()
        {
            yield return TableEntry.FromString("t", ".", "dot");
            yield return TableEntry.FromString("t", "..", "dots");
            await Task.CompletedTask;
        }
    }

    [Fact]
    public async Task GetMany_NeverMixesVersions_WhileAnotherProcessPublishesAndRollsBack()
    {
        using var client = service.NewClient();
        var dataset = (await client.CreateDatasetAsync(OptimusApi.NewName(), ["t"])).Name;
        var versions = new[] { await LoadVersionAsync(client, dataset, 3_000, "a"), await LoadVersionAsync(client, dataset, 3_000, "b") };
        var tags = new Dictionary<string, string> { [versions[0]] = "a", [versions[1]] = "b" };
        await client.PublishAsync(versions[0]);
        await client.PublishAsync(versions[1]);

        using var stop = new CancellationTokenSource();
        var mixed = new ConcurrentQueue<string>();
        var seen = new ConcurrentDictionary<string, int>();
        var keys = Enumerable.Range(0, 2_500).Select(i => $"k{i * 7 % 3_000}").ToList(); // more than one request's worth
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var read = await client.GetManyAsync(dataset, "t", r == 0 ? keys : keys.Take(100).ToList());
                seen.AddOrUpdate(read.Version, 1, (_, n) => n + 1);
                foreach (var key in read.Found.Keys)
                {
                    if (read.JsonText(key) != $"\"{tags[read.Version]}:{key[1..]}\"")
                    {
                        mixed.Enqueue($"{key} read {read.JsonText(key)} in {read.Version}");
                    }
                }
            }
        })).ToList();

        // Another process moves the active version back and forth, as an operator's script would.
        for (var i = 0; i < 6; i++)
        {
            var moved = i % 2 == 0
                ? await Cli.RunProcessAsync("rollback", dataset, "--server", service.Server)
                : await Cli.RunProcessAsync("versions", "publish", versions[1], "--server", service.Server);
            Assert.True(moved.ExitCode == 0, moved.Error);
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.Empty(mixed);
        Assert.Equal(2, seen.Count); // the readers saw both versions while they moved
    }

    [Fact]
    public async Task Problems_ReachTheCaller_WithTheirCodes_AndChangeNothing()
    {
        using var client = service.NewClient();
        var missing = await Assert.ThrowsAsync<OptimusException>(() => client.GetDatasetAsync("no-such-dataset"));
        Assert.Equal((ProblemCodes.DatasetNotFound, HttpStatusCode.NotFound), (missing.Code, missing.Status));

        var dataset = (await client.CreateDatasetAsync(OptimusApi.NewName(), ["t"])).Name;
        var twice = await Assert.ThrowsAsync<OptimusException>(() => client.CreateDatasetAsync(dataset, ["t"]));
        Assert.Equal(ProblemCodes.DatasetExists, twice.Code);

        var saved = await LoadVersionAsync(client, dataset, 10, "a");
        var closed = await Assert.ThrowsAsync<OptimusException>(() => client.LoadAsync(saved, Entries("t", 1, _ => "1")));
        Assert.Equal(ProblemCodes.VersionNotWritable, closed.Code);
        var draft = await client.CreateVersionAsync(dataset);
        await Assert.ThrowsAsync<ArgumentException>(() => client.LoadAsync(draft.Id, Entries("other", 1, _ => "1")));
        await Assert.ThrowsAsync<ArgumentException>(() => client.LoadAsync(draft.Id, Entries("t", 1, _ => "{not json")));
        Assert.Null((await client.GetVersionAsync(draft.Id)).Tables);

        var notFound = await client.GetAsync(dataset, "t", "k1", saved);
        Assert.True(notFound.Found);
        var absent = await client.GetAsync(dataset, "t", "no-such-key", saved);
        Assert.False(absent.Found);
        Assert.Equal(saved, absent.Version);
    }

    [Fact]
    public async Task AServerThatCannotBeReached_IsPassedOver_ForTheNext()
    {
        var options = new OptimusClientOptions { RetryDelay = TimeSpan.FromMilliseconds(10) };
        options.Servers.Add(new Uri($"http://127.0.0.1:{LoopbackPort.Free()}")); // nothing listens there
        options.Servers.Add(new Uri(service.Server));
        using var client = new OptimusClient(options);

        var dataset = await client.CreateDatasetAsync(OptimusApi.NewName(), ["t"]); // not repeatable, but it never arrived
        Assert.Equal(dataset.Name, (await client.GetDatasetAsync(dataset.Name)).Name);

        using var nowhere = new OptimusClient(new OptimusClientOptions { MaxAttempts = 2, RetryDelay = TimeSpan.FromMilliseconds(10), Servers = { options.Servers[0] } });
        var unreachable = await Assert.ThrowsAsync<OptimusException>(() => nowhere.GetDatasetAsync(dataset.Name));
        Assert.Equal((ProblemCodes.Unavailable, (HttpStatusCode?)null), (unreachable.Code, unreachable.Status));
        Assert.Contains("after 2 attempt(s)", unreachable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConnectionLostAsItOpens_IsRepeated_WhereThatIsSafe_AndReported_WhereItIsNot()
    {
        using var admin = service.NewClient();
        var dataset = (await admin.CreateDatasetAsync(OptimusApi.NewName(), ["t"])).Name;
        using var faults = new ConnectionsLostAsTheyOpen(2);
        using var client = new OptimusClient(new OptimusClientOptions { RetryDelay = TimeSpan.FromMilliseconds(10), Servers = { new Uri(service.Server) } }, handler: faults);

        Assert.Equal(dataset, (await client.GetDatasetAsync(dataset)).Name); // a read: repeated past both losses
        Assert.Equal(2, faults.Lost);

        faults.LoseNext(1);
        var unsure = await Assert.ThrowsAsync<OptimusException>(() => client.CreateDatasetAsync(OptimusApi.NewName(), ["t"]));
        Assert.Equal(ProblemCodes.Unavailable, unsure.Code);
        Assert.Contains("may or may not have taken effect", unsure.Message, StringComparison.Ordinal);
    }

    // The handler's requests fail as SocketsHttpHandler's do, unwrapped, when the server dies just as a connection
    // opens (seen while a silo was killed under reads), as many times as it is told; then they go to the server.
    private sealed class ConnectionsLostAsTheyOpen(int failures) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _left = failures;
        private int _lost;

        public int Lost => Volatile.Read(ref _lost);

        public void LoseNext(int count) => Volatile.Write(ref _left, count);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Decrement(ref _left) < 0)
            {
                return base.SendAsync(request, cancellationToken);
            }

            Interlocked.Increment(ref _lost);
            throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.NotConnected);
        }
    }
}
