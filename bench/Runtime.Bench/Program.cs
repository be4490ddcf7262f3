using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Optimus.Runtime;
using Optimus.Runtime.Bench;
using Optimus.Runtime.Placement;
using Optimus.Runtime.Testing;

// Calls per second on one silo, from outside any grain, with C concurrent callers for D seconds after a warm-up; then
// between two silos of a cluster in this process, over TCP on loopback, to grains the other silo owns.
// Usage: dotnet run -c Release --project bench/Runtime.Bench [-- --seconds 5 --callers 64 --out results.json]
var seconds = Argument("--seconds", 5);
var callers = Argument("--callers", 64);
var output = ArgumentText("--out");

var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.UseOptimusSilo(silo => silo.AddGrain<BenchGrain>().AddMemoryGrainStorage().UseInMemoryReminders());
using var host = builder.Build();
await host.StartAsync();
var factory = host.Services.GetRequiredService<IGrainFactory>();

var one = factory.GetGrain<IBenchGrain>("one");
var many = Enumerable.Range(0, 10_000).Select(i => factory.GetGrain<IBenchGrain>($"g{i}")).ToArray();
foreach (var grain in many)
{
    await grain.Ping(0); // activate all 10,000 before measuring
}

var payload = new MutablePayload { Data = new byte[100] };
var immutable = new ReadOnlyMemory<byte>(new byte[100]);
var results = new List<Result>
{
    await MeasureAsync("one grain, 1 caller", 1, _ => one.Ping(1)),
    await MeasureAsync($"one grain, {callers} callers", callers, _ => one.Ping(1)),
    await MeasureAsync($"10,000 grains, {callers} callers", callers, i => many[i % many.Length].Ping(1)),
    await MeasureAsync($"100-byte mutable argument (copied), {callers} callers", callers, i => many[i % many.Length].Send(payload)),
    await MeasureAsync($"100-byte immutable argument (by reference), {callers} callers", callers, i => many[i % many.Length].SendImmutable(immutable)),
};
await host.StopAsync();

// Two silos, one process, loopback TCP: every call below crosses the network to the other silo and back.
await using (var cluster = new TestCluster(silo => silo.AddGrain<BenchGrain>().AddMemoryGrainStorage().UseInMemoryReminders(),
    configureHost: h => h.Logging.SetMinimumLevel(LogLevel.Warning)) { Clustered = true, InitialSilos = 2 })
{
    await cluster.StartAsync();
    var (caller, owner) = (cluster.Silos[0], cluster.Silos[1]);
    var ring = caller.Services.GetRequiredService<GrainPlacement>().Ring;
    var remote = Enumerable.Range(0, 20_000).Select(i => caller.Client.GetGrain<IBenchGrain>($"r{i}"))
        .Where(g => ring.Owner(GrainId.Parse(g.ToString()!)) == owner.Address).Take(10_000).ToArray();
    foreach (var grain in remote)
    {
        await grain.Ping(0);
    }

    results.Add(await MeasureAsync("remote: one grain on the other silo, 1 caller", 1, _ => remote[0].Ping(1)));
    results.Add(await MeasureAsync($"remote: {remote.Length:N0} grains on the other silo, {callers} callers", callers, i => remote[i % remote.Length].Ping(1)));
    results.Add(await MeasureAsync($"remote: 100-byte mutable argument, {callers} callers", callers, i => remote[i % remote.Length].Send(payload)));
}

Console.WriteLine();
Console.WriteLine($"| workload ({Environment.ProcessorCount} cores, {seconds} s each) | calls/s | bytes allocated/call | CPU µs/call |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Name} | {r.CallsPerSecond:N0} | {r.BytesPerCall:N0} | {r.CpuMicrosPerCall:N1} |"));
}

if (output is not null)
{
    await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new
    {
        machine = new { cores = Environment.ProcessorCount, memoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes },
        seconds,
        callers,
        results,
    }, new JsonSerializerOptions { WriteIndented = true }));
}

async Task<Result> MeasureAsync(string name, int concurrency, Func<int, Task<int>> call)
{
    await RunAsync(concurrency, call, TimeSpan.FromSeconds(1)); // warm-up
    GC.Collect();
    var allocated = GC.GetTotalAllocatedBytes(precise: true);
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var stopwatch = Stopwatch.StartNew();
    var calls = await RunAsync(concurrency, call, TimeSpan.FromSeconds(seconds));
    var elapsed = stopwatch.Elapsed.TotalSeconds;
    var cpuUsed = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds;
    var result = new Result(name, calls / elapsed, (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)calls, cpuUsed / calls);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {result.CallsPerSecond:N0} calls/s"));
    return result;
}

static async Task<long> RunAsync(int concurrency, Func<int, Task<int>> call, TimeSpan duration)
{
    long total = 0;
    var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
    var loops = Enumerable.Range(0, concurrency).Select(async worker =>
    {
        await Task.Yield();
        long count = 0;
        var i = worker;
        while (Stopwatch.GetTimestamp() < end)
        {
            await call(i);
            i += concurrency;
            count++;
        }

        Interlocked.Add(ref total, count);
    });
    await Task.WhenAll(loops);
    return total;
}

int Argument(string name, int fallback) =>
    ArgumentText(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? ArgumentText(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

internal sealed record Result(string Name, double CallsPerSecond, double BytesPerCall, double CpuMicrosPerCall);
