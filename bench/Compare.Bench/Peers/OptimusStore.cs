using Optimus.Bench;
using Optimus.Client;

namespace Optimus.Compare.Bench.Peers;

/// <summary>Optimus: the Release silo as its own process; the SDK loads (load, save, publish) and reads; REST reads beside it.</summary>
internal sealed class OptimusStore(ServiceProcess service) : IStore
{
    private const string Dataset = "bench";
    private readonly OptimusClient _client = new(service.BaseAddress);
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = service.BaseAddress };
    private readonly long _baselineRss = service.ResidentBytes();
    private string? _version;

    public string Name => "Optimus";

    public async Task LoadAsync(int entries)
    {
        if (_version is null)
        {
            await _client.CreateDatasetAsync(Dataset, ["t"]);
        }

        var version = await _client.CreateVersionAsync(Dataset, expectedEntries: entries);
        var summary = await _client.LoadAsync(version.Id, Entries(entries), new LoadOptions { KeysAreUnique = true });
        await _client.SaveAsync(version.Id, summary.Tables);
        await _client.PublishAsync(version.Id);
        _version = version.Id;
    }

    public async Task<int> GetAsync(int caller, string key) => (await _client.GetAsync(Dataset, "t", key)).Found ? 1 : 0;

    public async Task<int> GetManyAsync(int caller, string[] keys) => (await _client.GetManyAsync(Dataset, "t", keys)).Found.Count;

    /// <summary>
    /// Median publish and rollback times for datasets of several sizes (each of its own, with two saved versions of its
    /// size), over <paramref name="repeats"/> switches. The datasets take turns, switch by switch, so that whatever else
    /// the machine does meanwhile (a collection, the disk) weighs on every size alike, and the disk is at rest first.
    /// </summary>
    public async Task<Dictionary<string, (double PublishMs, double RollbackMs)>> PublishAndRollbackAsync(IReadOnlyList<(string Dataset, int Entries)> datasets, int repeats)
    {
        var versions = new Dictionary<string, string>();
        foreach (var (dataset, entries) in datasets)
        {
            await _client.CreateDatasetAsync(dataset, ["t"]);
            for (var v = 0; v < 2; v++)
            {
                var version = await _client.CreateVersionAsync(dataset, expectedEntries: entries);
                var summary = await _client.LoadAsync(version.Id, Entries(entries), new LoadOptions { KeysAreUnique = true });
                await _client.SaveAsync(version.Id, summary.Tables);
                if (v == 0)
                {
                    await _client.PublishAsync(version.Id);
                }

                versions[dataset] = version.Id; // the second: published and rolled back below
            }
        }

        await DiskAtRestAsync(); // the loads' dirty pages, written back meanwhile, would slow the switches' fsyncs
        var publishes = datasets.ToDictionary(d => d.Dataset, _ => new List<double>());
        var rollbacks = datasets.ToDictionary(d => d.Dataset, _ => new List<double>());
        for (var i = 0; i < repeats; i++)
        {
            foreach (var (dataset, _) in datasets)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                await _client.PublishAsync(versions[dataset]);
                publishes[dataset].Add(clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                await _client.RollbackAsync(dataset);
                rollbacks[dataset].Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        return datasets.ToDictionary(d => d.Dataset, d => (BenchLoad.Median(publishes[d.Dataset]), BenchLoad.Median(rollbacks[d.Dataset])));
    }

    /// <summary>Stops the silo gracefully, then times its start over the same data until a key answers.</summary>
    public async Task<double> RestartToServingSecondsAsync()
    {
        await service.StopAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await service.StartAgainAsync();
        while (await RestGetAsync(Data.Key(1)) != 1)
        {
            await Task.Delay(1);
        }

        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>The same single-key read over plain REST, as any HTTP client would make it.</summary>
    public async Task<int> RestGetAsync(string key)
    {
        using var response = await _http.GetAsync(new Uri($"/v1/datasets/{Dataset}/tables/t/entries/{key}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        await response.Content.CopyToAsync(Stream.Null);
        return response.IsSuccessStatusCode ? 1 : 0;
    }

    /// <summary>
    /// After every key was read once (every segment open): the resident pages of the served version's segments — with
    /// the half byte per entry of each segment's directory on the heap — then the process's resident growth, and the
    /// segments' size on disk.
    /// </summary>
    public async Task<EntryBytes> BytesPerEntryAsync(int entries)
    {
        for (var first = 0; first < entries; first += 1000)
        {
            await _client.GetManyAsync(Dataset, "t", [.. Enumerable.Range(first, Math.Min(1000, entries - first)).Select(Data.Key)]);
        }

        var versionDirectory = Path.Combine(service.DataDirectory, "versions", _version!);
        var disk = new DirectoryInfo(versionDirectory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        var data = service.MappedBytes(versionDirectory + Path.DirectorySeparatorChar) + (entries / 2.0);
        return new(data / entries, (double)(service.ResidentBytes() - _baselineRss) / entries, (double)disk / entries);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    // Writes back every dirty page of the machine (sync(1)), so that what is timed next is not waiting on the disk for
    // data written before it: right after a load of a million entries, publish p50 went from 0.7 to 1.6 ms.
    private static async Task DiskAtRestAsync()
    {
        using var sync = System.Diagnostics.Process.Start("sync")!;
        await sync.WaitForExitAsync();
    }

    private static async IAsyncEnumerable<TableEntry> Entries(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return new TableEntry("t", Data.Key(i), Data.Value(i));
        }

        await Task.CompletedTask;
    }
}
