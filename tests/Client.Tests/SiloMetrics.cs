using System.Globalization;
using Optimus.Tests;

namespace Optimus.Client.Tests;

/// <summary>Counters read off a silo's <c>/metrics</c> (Prometheus text).</summary>
internal static class SiloMetrics
{
    /// <summary>The sum of the samples of <paramref name="name"/> whose labels hold every one of <paramref name="labels"/>.</summary>
    public static async Task<long> SumAsync(SiloProcess silo, string name, params string[] labels)
    {
        var text = await silo.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        long sum = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name + "{", StringComparison.Ordinal) && line.LastIndexOf('}') is var end and > 0
                && labels.All(label => line.AsSpan(0, end).Contains(label, StringComparison.Ordinal)))
            {
                sum += long.Parse(line.AsSpan(end + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    /// <summary>The calls a grain type's method served (<c>method</c> as <c>Interface.Method</c>).</summary>
    public static Task<long> CallsAsync(SiloProcess silo, string grainType, string method) =>
        SumAsync(silo, "optimus_grain_calls_seconds_count", $"grain_type=\"{grainType}\"", $".{method}\"");

    /// <summary>The keys of <paramref name="dataset"/> read through the silo, found or missing.</summary>
    public static Task<long> KeysReadAsync(SiloProcess silo, string dataset) => SumAsync(silo, "optimus_keys_read_total", $"dataset=\"{dataset}\"");

    /// <summary>The keys of <paramref name="dataset"/> the silo read from a shard on another silo.</summary>
    public static Task<long> KeysForwardedAsync(SiloProcess silo, string dataset) => SumAsync(silo, "optimus_keys_forwarded_total", $"dataset=\"{dataset}\"");
}
