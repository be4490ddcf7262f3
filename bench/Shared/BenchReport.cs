using System.Globalization;
using System.Text.Json;

namespace Optimus.Bench;

/// <summary>How the service benchmarks report: a markdown table on the console and, with <c>--out</c>, the same figures as JSON with the machine.</summary>
internal static class BenchReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task WriteAsync(string setting, Dictionary<string, double> figures, string? output, object parameters)
    {
        Console.WriteLine();
        Console.WriteLine($"| figure ({Environment.ProcessorCount} cores, {setting}) | value |");
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
                parameters,
                figures,
            }, Indented));
        }
    }
}
