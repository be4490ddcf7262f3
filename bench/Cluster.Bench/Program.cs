using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Optimus.Bench;
using Optimus.Client;
using Optimus.Runtime.Testing;
using static Optimus.Bench.BenchLoad;

// Three silo processes on one PostgreSQL (a throwaway server from the installed binaries, or OPTIMUS_TEST_POSTGRES),
// with the default membership settings:
//   single-key GETs through one silo, and spread over the three;
//   the time from killing a silo (SIGKILL) until every key answers again through the survivors.
// Usage: dotnet run -c Release --project bench/Cluster.Bench [-- --entries 200000 --clients 64 --seconds 10 --out cluster.json]
var entries = Argument(args, "--entries", 200_000);
var clients = Argument(args, "--clients", 64);
var seconds = Argument(args, "--seconds", 10);
var output = ArgumentText(args, "--out");
const int Silos = 3;

await using var postgres = await PostgresServer.StartAsync();
var connectionString = await postgres.CreateDatabaseAsync();
var silos = new List<ServiceProcess>();
var https = new List<HttpClient>();
var figures = new Dictionary<string, double>();
try
{
    for (var i = 1; i <= Silos; i++)
    {
        var silo = await ServiceProcess.StartAsync(
            "--postgres", connectionString, "--silo-port", LoopbackPort.Free().ToString(CultureInfo.InvariantCulture), "--silo-name", $"bench-{i}");
        silos.Add(silo);
        https.Add(new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromMinutes(10) });
    }

    await WaitForActiveAsync(https, Silos);
    using (var created = await https[0].PostAsJsonAsync("/v1/datasets", new { name = "bench", tables = new[] { "t" } }))
    {
        created.EnsureSuccessStatusCode();
    }

    // Declared as a million entries: 16 shards, so that every silo serves some and the silo killed holds some.
    var (version, loaded, saved) = await LoadVersionAsync(https[0], "bench", entries, batchSize: 10_000, parallel: 4, expectedEntries: 1_000_000);
    figures[$"load entries/s ({entries:N0} via one silo's REST, 4 parallel batches of 10,000)"] = entries / loaded.TotalSeconds;
    figures["save (seal + verify + upload) seconds"] = saved.TotalSeconds;
    (await https[1].PostAsync(new Uri($"/v1/versions/{version}/publish", UriKind.Relative), null)).EnsureSuccessStatusCode();
    await TouchAllAsync(https[2], "bench", entries);

    foreach (var (name, through) in new[] { ("one silo", https.Take(1).ToArray()), ($"{Silos} silos", https.ToArray()) })
    {
        var (rps, p50, p99, cpu) = await GetLoadAsync(through, "bench", entries, clients, TimeSpan.FromSeconds(seconds));
        figures[$"GET requests/s through {name}, {clients} clients"] = rps;
        figures[$"GET p50 ms through {name}"] = p50;
        figures[$"GET p99 ms through {name}"] = p99;
        figures[$"load generator CPU share of one core ({name})"] = cpu;
    }

    // The SDK, told of one silo: it learns where each shard lives and sends each key's read straight there.
    using (var sdk = new OptimusClient(new OptimusClientOptions { Servers = { https[0].BaseAddress! } }))
    {
        var (rps, _, p50, p99, cpu) = await CallerLoad.RunAsync(clients, TimeSpan.FromSeconds(seconds), async (_, random) =>
            (await sdk.GetAsync("bench", "t", Key(random.Next(entries)))).Found ? 1 : throw new InvalidOperationException("a loaded key was not found"));
        figures[$"SDK Get requests/s (each sent to its shard's silo), {clients} callers"] = rps;
        figures["SDK Get p50 ms"] = p50;
        figures["SDK Get p99 ms"] = p99;
        figures["load generator CPU share of one core (SDK)"] = cpu;
    }

    // Kill the last silo; ask the first, over and over, for a sample of keys that spans every shard, until it answers.
    var sample = Enumerable.Range(0, 1_000).Select(i => Key(i * (entries / 1_000))).ToArray(); // the most one read may ask
    var clock = Stopwatch.StartNew();
    await silos[^1].KillAsync();
    var failed = 0;
    while (true)
    {
        using var read = await https[0].PostAsJsonAsync("/v1/datasets/bench/tables/t/lookup", new { keys = sample });
        if (read.IsSuccessStatusCode)
        {
            break;
        }

        if (read.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable)
        {
            throw new InvalidOperationException($"A read answered {(int)read.StatusCode}: {await read.Content.ReadAsStringAsync()}");
        }

        failed++;
        await Task.Delay(20);
    }

    figures["seconds from SIGKILL of a silo until every key answers again (default membership settings)"] = clock.Elapsed.TotalSeconds;
    figures["reads answered 503 meanwhile (one every 20 ms)"] = failed;
}
finally
{
    foreach (var silo in silos)
    {
        await silo.DisposeAsync();
    }

    foreach (var http in https)
    {
        http.Dispose();
    }
}

await BenchReport.WriteAsync($"{Silos} silos and PostgreSQL on this machine, {entries:N0} entries", figures, output, new { entries, clients, seconds, silos = Silos });

static async Task WaitForActiveAsync(List<HttpClient> https, int expected)
{
    for (var attempt = 0; attempt < 300; attempt++)
    {
        var views = await Task.WhenAll(https.Select(h => h.GetFromJsonAsync<JsonElement>("/cluster")));
        if (views.All(v => v.GetProperty("silos").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "Active") == expected))
        {
            return;
        }

        await Task.Delay(100);
    }

    throw new TimeoutException("The silos did not agree on the cluster.");
}
