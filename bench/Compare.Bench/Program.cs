using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Optimus.Bench;
using Optimus.Compare.Bench;
using Optimus.Compare.Bench.Peers;
using Optimus.Runtime.Testing;
using static Optimus.Bench.BenchLoad;

// Optimus side by side with Redis and PostgreSQL on this machine, in one run (issue 6): the peers are started here
// (Debian's redis-server and postgresql, on loopback ports in temporary directories), the same entries are loaded into
// each, and the same load generator reads them. Prints a markdown table of figures and ratios; --out writes JSON.
// Usage: dotnet run -c Release --project bench/Compare.Bench [-- --entries 1000000 --clients 64 --seconds 10 --reloads 1 --rounds 3 --out compare.json]
if (args is ["--serve-dictionary", var servePort, var serveEntries])
{
    await BareEndpoint.ServeAsync(int.Parse(servePort, CultureInfo.InvariantCulture), int.Parse(serveEntries, CultureInfo.InvariantCulture));
    return;
}

var entries = args.Contains("--large") ? 10_000_000 : Argument(args, "--entries", 1_000_000);
var clients = Argument(args, "--clients", 64);
var seconds = Argument(args, "--seconds", 10);
var output = ArgumentText(args, "--out");
var reloads = Argument(args, "--reloads", 1);
var rounds = Argument(args, "--rounds", 3);
if (reloads < 1 || rounds < 1)
{
    Console.Error.WriteLine($"--reloads and --rounds must be at least 1; they are {reloads} and {rounds}.");
    Environment.ExitCode = 1;
    return;
}

var duration = TimeSpan.FromSeconds(seconds);
var rows = new List<Row>();

await using var redis = await RedisPeer.StartAsync();
await using var postgres = await PostgresServer.StartAsync(durable: true);
await using var postgresData = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
await using var service = await ServiceProcess.StartAsync();
await using var optimus = new OptimusStore(service);
await using var redisStore = new RedisStore(redis, clients);
await using var postgresStore = new PostgresStore(postgres, postgresData, clients);
await redisStore.StartMeasuringAsync();
IStore[] stores = [optimus, redisStore, postgresStore];

// Bulk load: Optimus SDK load + save + publish; Redis pipelined SET; PostgreSQL binary COPY. First into processes just
// started (clients and servers compile their code as they go), then reloads of the same entries into the warm ones, the
// way each system's user replaces a dataset (see IStore.LoadAsync): one by default; with --reloads K, K of them, the
// last reported too, since the .NET processes keep recompiling their hot paths over the first few loads (BENCHMARKS.md).
for (var pass = 0; pass <= reloads; pass++)
{
    var name = pass switch { 0 => "first load, fresh processes", 1 => "reload, warm processes", _ => $"reload {pass} of {reloads}, warm processes" };
    var loads = new Dictionary<string, double>();
    foreach (var store in stores)
    {
        var clock = Stopwatch.StartNew();
        await store.LoadAsync(entries);
        loads[store.Name] = entries / clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{store.Name}: {entries:N0} entries loaded in {clock.Elapsed.TotalSeconds:N1} s ({name})"));
    }

    if (pass <= 1 || pass == reloads)
    {
        rows.Add(new Row($"bulk load, entries/s ({name})", loads, HigherIsBetter: true));
    }
}

// Single-key reads of random keys at C concurrent callers, and 100-key reads (Optimus GetMany, Redis MGET, PostgreSQL
// = ANY($1)): in rounds, every reader once per round (see ReadRounds), the figures the medians of the rounds.
ReadRounds singles;
await using (var bare = await BareEndpoint.StartAsync(entries))
{
    singles = await ReadRounds.RunAsync("single-key reads", rounds, clients, duration, [
        .. stores.Select(store => (store.Name, Reader((caller, random) => store.GetAsync(caller, Data.Key(random.Next(entries)))))),
        ("Optimus REST", Reader((_, random) => optimus.RestGetAsync(Data.Key(random.Next(entries))))),
        ("bare ASP.NET Core", Reader((_, random) => bare.GetAsync(Data.Key(random.Next(entries))))),
    ]);
}

var many = await ReadRounds.RunAsync("100-key reads", rounds, clients, duration, [
    .. stores.Select(store => (store.Name, Reader((caller, random) => store.GetManyAsync(caller, [.. Enumerable.Range(0, 100).Select(_ => Data.Key(random.Next(entries)))])))),
]);

rows.AddRange(singles.RateRows($"single-key reads/s, {clients} callers", r => r.Rps));
rows.Add(new Row("single-key p50 ms", singles.Median(r => r.P50), HigherIsBetter: false));
rows.Add(new Row("single-key p99 ms", singles.Median(r => r.P99), HigherIsBetter: false));
rows.Add(new Row("load generator CPU share of one core (single-key)", singles.Median(r => r.Cpu), HigherIsBetter: false));
var (restToBare, restToBareByRound) = singles.PairedRatio("Optimus REST", "bare ASP.NET Core", r => r.Rps);
rows.Add(new Row(string.Create(CultureInfo.InvariantCulture,
    $"single-key reads/s over REST / a bare ASP.NET Core endpoint's, median of the rounds' ratios ({string.Join(", ", restToBareByRound.Select(r => r.ToString("N2", CultureInfo.InvariantCulture)))})"),
    new() { ["Optimus"] = restToBare }, HigherIsBetter: true));
rows.AddRange(many.RateRows($"100-key reads, keys/s, {clients} callers", r => r.ItemsPerSecond));
rows.Add(new Row("100-key p99 ms", many.Median(r => r.P99), HigherIsBetter: false));
rows.Add(new Row("load generator CPU share of one core (100-key)", many.Median(r => r.Cpu), HigherIsBetter: false));

// Bytes per entry (raw entry: 13-byte key + 100-byte value).
var data = new Dictionary<string, double>();
var process = new Dictionary<string, double>();
var disk = new Dictionary<string, double>();
foreach (var store in stores)
{
    var bytes = await store.BytesPerEntryAsync(entries);
    foreach (var (figure, into) in new[] { (bytes.Data, data), (bytes.Process, process), (bytes.Disk, disk) })
    {
        if (figure is { } value)
        {
            into[store.Name] = value;
        }
    }
}

rows.Add(new Row("memory bytes per entry holding the data (segments' resident pages + directory / used_memory)", data, HigherIsBetter: false));
rows.Add(new Row("memory bytes per entry, process RSS growth since start (silo / used_memory_rss)", process, HigherIsBetter: false));
rows.Add(new Row("disk bytes per entry (segments / relation size)", disk, HigherIsBetter: false));

// Publish and rollback: Optimus only (the peers have no versions to switch), at 10,000 entries and at N.
var switches = await optimus.PublishAndRollbackAsync([("small", 10_000), ("large", entries)], repeats: 21);
var (small, large) = (switches["small"], switches["large"]);
rows.Add(new Row("publish p50 ms at 10,000 entries (no equivalent in the peers)", new() { ["Optimus"] = small.PublishMs }, HigherIsBetter: false));
rows.Add(new Row($"publish p50 ms at {entries:N0} entries", new() { ["Optimus"] = large.PublishMs }, HigherIsBetter: false));
rows.Add(new Row("rollback p50 ms at 10,000 entries", new() { ["Optimus"] = small.RollbackMs }, HigherIsBetter: false));
rows.Add(new Row($"rollback p50 ms at {entries:N0} entries", new() { ["Optimus"] = large.RollbackMs }, HigherIsBetter: false));

// Restart to serving with N entries: Optimus silo (graceful stop, start); Redis (SAVE, SHUTDOWN, load the RDB); PostgreSQL (fast shutdown, start).
rows.Add(new Row("restart to serving, seconds", new()
{
    ["Optimus"] = await optimus.RestartToServingSecondsAsync(),
    ["Redis"] = await redisStore.RestartToServingSecondsAsync(),
    ["PostgreSQL"] = await postgresStore.RestartToServingSecondsAsync(),
}, HigherIsBetter: false));

Print(rows, entries);
if (output is not null)
{
    await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new
    {
        machine = new { cores = Environment.ProcessorCount, memoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes },
        parameters = new { entries, clients, seconds, reloads, rounds },
        rows = rows.Select(r => new { r.Figure, values = r.Values, ratios = r.Ratios() }),
        readRounds = new { singleKey = singles.All, hundredKeys = many.All },
    }, new JsonSerializerOptions { WriteIndented = true }));
}

// Names a lambda's type, so that readers of several kinds sit in one list.
static Func<int, Random, Task<int>> Reader(Func<int, Random, Task<int>> call) => call;

static void Print(List<Row> rows, int entries)
{
    Console.WriteLine();
    Console.WriteLine($"| figure ({Environment.ProcessorCount} cores, {entries:N0} entries) | Optimus | Redis | PostgreSQL | Optimus/Redis | Optimus/PostgreSQL |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|");
    foreach (var row in rows)
    {
        var ratios = row.Ratios();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {row.Figure} | {Cell(row.Values, "Optimus")} | {Cell(row.Values, "Redis")} | {Cell(row.Values, "PostgreSQL")} | {Cell(ratios, "Redis")} | {Cell(ratios, "PostgreSQL")} |"));
        if (row.Values.TryGetValue("Optimus REST", out var rest))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| … Optimus through REST | {rest:N2} | | | {Ratio(rest, row.Values, "Redis")} | {Ratio(rest, row.Values, "PostgreSQL")} |"));
        }

        if (row.Values.TryGetValue("bare ASP.NET Core", out var bare))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| … a bare ASP.NET Core endpoint (REST / bare: {Ratio(rest, row.Values, "bare ASP.NET Core")}) | {bare:N2} | | | | |"));
        }
    }

    static string Cell(Dictionary<string, double> values, string name) =>
        values.TryGetValue(name, out var value) ? value.ToString("N2", CultureInfo.InvariantCulture) : "—";

    static string Ratio(double value, Dictionary<string, double> values, string peer) =>
        values.TryGetValue(peer, out var other) && other > 0 ? (value / other).ToString("N2", CultureInfo.InvariantCulture) : "—";
}

/// <summary>One figure for each system, and Optimus' ratio to each peer.</summary>
internal sealed record Row(string Figure, Dictionary<string, double> Values, bool HigherIsBetter)
{
    public Dictionary<string, double> Ratios() => Values.TryGetValue("Optimus", out var optimus)
        ? Values.Where(v => v.Key is not ("Optimus" or "Optimus REST" or "bare ASP.NET Core") && v.Value > 0).ToDictionary(v => v.Key, v => optimus / v.Value)
        : [];
}
