using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Optimus.Service.Bench;

// The embedded service over HTTP, as issue 3 asks to measure it:
//   load rate of N entries (16-byte keys, 100-byte values) through REST batches of 10,000;
//   publish and rollback time at 10,000 and at N entries;
//   single-key GET requests per second and latency with C concurrent clients;
//   disk and memory bytes per entry once saved.
// Usage: dotnet run -c Release --project bench/Service.Bench [-- --entries 1000000 --clients 64 --seconds 10 --out service.json]
var entries = Argument("--entries", 1_000_000);
var clients = Argument("--clients", 64);
var seconds = Argument("--seconds", 10);
var output = ArgumentText("--out");
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

foreach (var (name, versions) in new[] { ("10,000", small), ($"{entries:N0}", large) })
{
    var (publish, rollback) = await PublishAndRollbackAsync(name == "10,000" ? "small" : "large", versions);
    figures[$"publish p50 ms at {name} entries"] = publish;
    figures[$"rollback p50 ms at {name} entries"] = rollback;
}

// Serve the large dataset's active version: touch every key once, then measure memory and GET throughput.
var active = (await http.GetFromJsonAsync<JsonElement>("/v1/datasets/large")).GetProperty("activeVersion").GetString()!;
await TouchAllAsync("large", entries);
figures["memory bytes per entry (RSS growth, both large versions loaded, one served)"] = (double)(service.ResidentBytes() - baselineRss) / entries;
var (rps, p50, p99, cpu) = await GetLoadAsync("large", entries);
figures[$"GET requests/s, {clients} clients"] = rps;
figures["GET p50 ms"] = p50;
figures["GET p99 ms"] = p99;
figures["load generator CPU share of one core"] = cpu;

Console.WriteLine();
Console.WriteLine($"| figure ({Environment.ProcessorCount} cores, {entries:N0} entries, active {active}) | value |");
Console.WriteLine("|---|---:|");
foreach (var (name, value) in figures)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {value:N2} |"));
}

if (output is not null)
{
    await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new
    {
        machine = new { cores = Environment.ProcessorCount, memoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes },
        entries,
        clients,
        seconds,
        figures,
    }, new JsonSerializerOptions { WriteIndented = true }));
}

async Task CreateDatasetAsync(string name)
{
    using var response = await http.PostAsJsonAsync("/v1/datasets", new { name, tables = new[] { "t" } });
    response.EnsureSuccessStatusCode();
}

async Task<string> LoadVersionAsync(string dataset, int count, bool measure)
{
    using var created = await http.PostAsJsonAsync("/v1/versions", new { dataset, expectedEntries = count });
    var version = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    var clock = Stopwatch.StartNew();
    var batches = (count + BatchSize - 1) / BatchSize;
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, ParallelLoads).Select(async _ =>
    {
        int batch;
        while ((batch = Interlocked.Increment(ref next)) < batches)
        {
            var body = Batch(batch * BatchSize, Math.Min(BatchSize, count - (batch * BatchSize)));
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/datasets/{dataset}/tables/t/entries?version={version}")
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
            };
            request.Headers.Add("Idempotency-Key", $"b{batch}");
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }
    }));
    var loaded = clock.Elapsed;
    using var save = await http.PostAsync(new Uri($"/v1/versions/{version}/save?wait=300", UriKind.Relative), null);
    var saved = await save.Content.ReadAsStringAsync();
    if (!save.IsSuccessStatusCode || !saved.Contains("\"status\":\"SAVED\"", StringComparison.Ordinal))
    {
        throw new InvalidOperationException($"Saving {version} answered {(int)save.StatusCode}: {saved}");
    }

    if (measure)
    {
        figures[$"load entries/s ({count:N0} via REST, {ParallelLoads} parallel batches of {BatchSize:N0})"] = count / loaded.TotalSeconds;
        figures["save (seal + verify) seconds"] = (clock.Elapsed - loaded).TotalSeconds;
        figures["load + save entries/s"] = count / clock.Elapsed.TotalSeconds;
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{version}: {count:N0} entries loaded in {loaded.TotalSeconds:N1} s, saved in {(clock.Elapsed - loaded).TotalSeconds:N1} s"));
    return version;
}

static byte[] Batch(int first, int count)
{
    var body = new StringBuilder(count * 140).Append('[');
    for (var i = 0; i < count; i++)
    {
        // 16-byte key, 100-byte value: a JSON string of 98 characters between its quotes.
        body.Append(i == 0 ? "" : ",").Append("{\"key\":\"").Append(Key(first + i)).Append("\",\"value\":\"")
            .Append((char)('a' + ((first + i) % 26)), 98).Append("\"}");
    }

    return Encoding.UTF8.GetBytes(body.Append(']').ToString());
}

static string Key(int i) => string.Create(CultureInfo.InvariantCulture, $"user:{i:D11}");

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

async Task TouchAllAsync(string dataset, int count)
{
    const int PerRead = 500;
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
    {
        int chunk;
        while ((chunk = Interlocked.Increment(ref next)) * PerRead < count)
        {
            var keys = Enumerable.Range(chunk * PerRead, Math.Min(PerRead, count - (chunk * PerRead))).Select(Key);
            using var response = await http.PostAsJsonAsync($"/v1/datasets/{dataset}/tables/t/lookup", new { keys });
            response.EnsureSuccessStatusCode();
        }
    }));
}

async Task<(double Rps, double P50, double P99, double Cpu)> GetLoadAsync(string dataset, int count)
{
    await RunGetsAsync(TimeSpan.FromSeconds(2), []); // warm-up
    var latencies = new List<double>[clients];
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    var total = await RunGetsAsync(TimeSpan.FromSeconds(seconds), latencies);
    var elapsed = clock.Elapsed.TotalSeconds;
    var cpuShare = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds / elapsed;
    var all = latencies.SelectMany(l => l).Order().ToArray();
    return (total / elapsed, all[all.Length / 2], all[(int)(all.Length * 0.99)], cpuShare);

    async Task<long> RunGetsAsync(TimeSpan duration, List<double>[] record)
    {
        long done = 0;
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            var random = new Random(client);
            var mine = new List<double>();
            while (Stopwatch.GetTimestamp() < end)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(new Uri($"/v1/datasets/{dataset}/tables/t/entries/{Key(random.Next(count))}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
                await response.Content.CopyToAsync(Stream.Null);
                response.EnsureSuccessStatusCode();
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            Interlocked.Add(ref done, mine.Count);
            if (record.Length > 0)
            {
                record[client] = mine;
            }
        }));
        return done;
    }
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

static long DirectorySize(string directory) => new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

int Argument(string name, int fallback) => ArgumentText(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? ArgumentText(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
