using System.Diagnostics;

namespace Optimus.Bench;

/// <summary>
/// C concurrent callers, each calling in a loop for a while after a warm-up of half as long (at least 2 seconds): what
/// every read benchmark here measures with. The warm-up lets client and server finish compiling their hot paths, which
/// on a busy 2-core machine takes seconds (a fresh SDK client ran at half its later rate for its first 4 seconds). A
/// call returns how many items it read (1 for a single key), so that keys/s can be told from requests/s.
/// </summary>
internal static class CallerLoad
{
    /// <summary>Requests/s, items/s, p50 and p99 in ms, and this process's CPU share of one core (the load generator's own cost).</summary>
    public static async Task<(double Rps, double ItemsPerSecond, double P50, double P99, double Cpu)> RunAsync(
        int callers, TimeSpan duration, Func<int, Random, Task<int>> call)
    {
        await RunForAsync(TimeSpan.FromSeconds(Math.Max(2, duration.TotalSeconds / 2)));
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.StartNew();
        var (latencies, items) = await RunForAsync(duration);
        var elapsed = started.Elapsed.TotalSeconds;
        var cpuShare = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds / elapsed;
        var sorted = latencies.Order().ToArray();
        return (sorted.Length / elapsed, items / elapsed, sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)], cpuShare);

        async Task<(List<double> Latencies, long Items)> RunForAsync(TimeSpan length)
        {
            var end = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
            var results = await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
            {
                var random = new Random(caller);
                var mine = new List<double>();
                long items = 0;
                while (Stopwatch.GetTimestamp() < end)
                {
                    var at = Stopwatch.GetTimestamp();
                    items += await call(caller, random);
                    mine.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                }

                return (mine, items);
            }));
            return ([.. results.SelectMany(r => r.mine)], results.Sum(r => r.items));
        }
    }
}
