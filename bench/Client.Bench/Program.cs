using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Optimus.Bench;
using Optimus.Client;
using static Optimus.Bench.BenchLoad;

// The SDK and the CLI against the embedded service, as issue 5 asks to measure them:
//   entries/s loading N entries (16-byte keys, 100-byte values) with the CLI (its own process, from a TSV file), with
//   the SDK (LoadAsync from memory) and with plain REST batches — each followed by its save;
//   single-key and 100-key reads per second through the SDK with C concurrent callers.
// Usage: dotnet run -c Release --project bench/Client.Bench [-- --entries 1000000 --clients 64 --seconds 10 --out client.json]
var entries = Argument(args, "--entries", 1_000_000);
var clients = Argument(args, "--clients", 64);
var seconds = Argument(args, "--seconds", 10);
var output = ArgumentText(args, "--out");
var figures = new Dictionary<string, double>();

await using var service = await ServiceProcess.StartAsync();
using var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
using var client = new OptimusClient(service.BaseAddress);
foreach (var dataset in new[] { "rest", "sdk", "cli" })
{
    await client.CreateDatasetAsync(dataset, ["t"]);
}

// Plain REST: batches of 10,000, four in flight (the service benchmark's load).
var (_, restLoaded, restSaved) = await LoadVersionAsync(http, "rest", entries, 10_000, 4);
Record("REST", restLoaded, restSaved);

// The SDK: entries from memory, batched by shard, tallied, sent with its defaults.
var sdkVersion = await client.CreateVersionAsync("sdk", expectedEntries: entries);
var clock = Stopwatch.StartNew();
var summary = await client.LoadAsync(sdkVersion.Id, SdkEntries(entries));
var sdkLoaded = clock.Elapsed;
await client.SaveAsync(sdkVersion.Id, summary.Tables);
Record("SDK", sdkLoaded, clock.Elapsed - sdkLoaded);
await client.PublishAsync(sdkVersion.Id);

// The CLI: its own process, reading a TSV file, then saving (the server verifies what it declares).
var file = Path.Combine(service.DataDirectory, "..", $"optimus-bench-{Environment.ProcessId}.tsv");
await File.WriteAllLinesAsync(file, Enumerable.Range(0, entries).Select(i => $"{Key(i)}\t{Value(i)}"));
try
{
    clock.Restart();
    var cli = await RunCliAsync("load", "-d", "cli", "-t", $"t={file}", "--save", "--quiet", "--json", "--server", service.BaseAddress.ToString());
    var wall = clock.Elapsed;
    var report = JsonDocument.Parse(cli).RootElement;
    figures[$"CLI load entries/s ({entries:N0}, its own reading and tallying)"] = entries / report.GetProperty("seconds").GetDouble();
    figures["CLI load + save entries/s (process start to exit)"] = entries / wall.TotalSeconds;
}
finally
{
    File.Delete(file);
}

// Reads through the SDK of the published version: random single keys, then random 100-key lookups.
var (rps, _, p50, p99, cpu) = await CallerLoad.RunAsync(clients, TimeSpan.FromSeconds(seconds), async (_, random) => (await client.GetAsync("sdk", "t", Key(random.Next(entries)))).Found ? 1 : 0);
figures[$"SDK Get requests/s, {clients} callers"] = rps;
figures["SDK Get p50 ms"] = p50;
figures["SDK Get p99 ms"] = p99;
figures["SDK Get: load generator CPU share of one core"] = cpu;
var (manyRps, keysPerSecond, manyP50, manyP99, manyCpu) = await CallerLoad.RunAsync(clients, TimeSpan.FromSeconds(seconds), async (_, random) =>
    (await client.GetManyAsync("sdk", "t", [.. Enumerable.Range(0, 100).Select(_ => Key(random.Next(entries)))])).Found.Count);
figures[$"SDK GetMany(100) requests/s, {clients} callers"] = manyRps;
figures["SDK GetMany(100) keys/s"] = keysPerSecond;
figures["SDK GetMany(100) p50 ms"] = manyP50;
figures["SDK GetMany(100) p99 ms"] = manyP99;
figures["SDK GetMany: load generator CPU share of one core"] = manyCpu;

await BenchReport.WriteAsync($"{entries:N0} entries", figures, output, new { entries, clients, seconds });

void Record(string how, TimeSpan loaded, TimeSpan saved)
{
    figures[$"{how} load entries/s ({entries:N0})"] = entries / loaded.TotalSeconds;
    figures[$"{how} load + save entries/s"] = entries / (loaded + saved).TotalSeconds;
}

// 100-byte values: a JSON string of 98 characters between its quotes, as the REST batches carry.
static string Value(int i) => $"\"{new string((char)('a' + (i % 26)), 98)}\"";

static async IAsyncEnumerable<TableEntry> SdkEntries(int count)
{
    var values = Enumerable.Range(0, 26).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(Value(i))).ToArray();
    for (var i = 0; i < count; i++)
    {
        yield return new TableEntry("t", Key(i), values[i % 26]);
    }

    await Task.CompletedTask;
}

static async Task<string> RunCliAsync(params string[] arguments)
{
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
    start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "optimus.dll"));
    arguments.ToList().ForEach(start.ArgumentList.Add);
    using var process = Process.Start(start)!;
    var text = process.StandardOutput.ReadToEndAsync();
    var error = process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    return process.ExitCode == 0 ? await text : throw new InvalidOperationException($"optimus exited with {process.ExitCode}: {await error}");
}
