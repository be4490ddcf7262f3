using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Optimus.Bench;
using static Optimus.Bench.BenchLoad;

// The embedded service over HTTP, as issue 3 asks to measure it:
//   load rate of N entries (16-byte keys, 100-byte values) through REST batches of 10,000;
//   publish and rollback time at 10,000 and at N entries;
//   single-key GET requests per second and latency with C concurrent clients;
//   disk and memory bytes per entry once saved.
// Usage: dotnet run -c Release --project bench/Service.Bench [-- --entries 1000000 --clients 64 --seconds 10 --out service.json]
var entries = Argument(args, "--entries", 1_000_000);
var clients = Argument(args, "--clients", 64);
var seconds = Argument(args, "--seconds", 10);
var output = ArgumentText(args, "--out");
const int BatchSize = 10_000;
const int ParallelLoads = 4;
const int Repeats = 21;

await using var service = await ServiceProcess.StartAsync();
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(clients, ParallelLoads) }) { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
var figures = new Dictionary<string, double>();
var baselineRss = service.ResidentBytes();

// Small and large datasets, two versions each, so that publish and rollback can switch between them.
await CreateDatasetAsync("small");
await CreateDatasetAsync("large");
var small = new[] { await LoadVersionAsync("small", 10_000, measure: false), await LoadVersionAsync("small", 10_000, measure: false) };
var large = new[] { await LoadVersionAsync("large", entries, measure: true), await LoadVersionAsync("large", entries, measure: false) };

var versionBytes = DirectorySize(Path.Combine(service.DataDirectory, "versions", large[0]));
figures["disk bytes per entry"] = (double)versionBytes / entries;

foreach (var (dataset, size, versions) in new[] { ("small", 10_000, small), ("large", entries, large) })
{
    var (publish, rollback) = await PublishAndRollbackAsync(dataset, versions);
    figures[$"publish p50 ms at {size:N0} entries ({dataset})"] = publish;
    figures[$"rollback p50 ms at {size:N0} entries ({dataset})"] = rollback;
}

// Serve the large dataset's active version: touch every key once, then measure memory and GET throughput.
var active = (await http.GetFromJsonAsync<JsonElement>("/v1/datasets/large")).GetProperty("activeVersion").GetString()!;
await TouchAllAsync(http, "large", entries);
figures["memory bytes per entry (RSS growth, both large versions loaded, one served)"] = (double)(service.ResidentBytes() - baselineRss) / entries;
var (rps, p50, p99, cpu) = await GetLoadAsync([http], "large", entries, clients, TimeSpan.FromSeconds(seconds));
figures[$"GET requests/s, {clients} clients"] = rps;
figures["GET p50 ms"] = p50;
figures["GET p99 ms"] = p99;
figures["load generator CPU share of one core"] = cpu;

await BenchReport.WriteAsync($"{entries:N0} entries, active {active}", figures, output, new { entries, clients, seconds });

async Task CreateDatasetAsync(string name)
{
    using var response = await http.PostAsJsonAsync("/v1/datasets", new { name, tables = new[] { "t" } });
    response.EnsureSuccessStatusCode();
}

async Task<string> LoadVersionAsync(string dataset, int count, bool measure)
{
    var (version, loaded, saved) = await BenchLoad.LoadVersionAsync(http, dataset, count, BatchSize, ParallelLoads);
    if (measure)
    {
        figures[$"load entries/s ({count:N0} via REST, {ParallelLoads} parallel batches of {BatchSize:N0})"] = count / loaded.TotalSeconds;
        figures["save (seal + verify) seconds"] = saved.TotalSeconds;
        figures["load + save entries/s"] = count / (loaded + saved).TotalSeconds;
    }

    return version;
}

async Task<(double Publish, double Rollback)> PublishAndRollbackAsync(string dataset, string[] versions)
{
    var publishes = new List<double>();
    var rollbacks = new List<double>();
    (await http.PostAsync(new Uri($"/v1/versions/{versions[0]}/publish", UriKind.Relative), null)).EnsureSuccessStatusCode();
    for (var i = 0; i < Repeats; i++)
    {
        var clock = Stopwatch.StartNew();
        (await http.PostAsync(new Uri($"/v1/versions/{versions[1]}/publish", UriKind.Relative), null)).EnsureSuccessStatusCode();
        publishes.Add(clock.Elapsed.TotalMilliseconds);
        clock.Restart();
        (await http.PostAsync(new Uri($"/v1/datasets/{dataset}/rollback", UriKind.Relative), null)).EnsureSuccessStatusCode();
        rollbacks.Add(clock.Elapsed.TotalMilliseconds);
    }

    return (Median(publishes), Median(rollbacks));
}

static long DirectorySize(string directory) => new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
