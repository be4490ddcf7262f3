using System.Text.Json.Serialization;
using Optimus.Grains;

namespace Optimus.Cli.Output;

/// <summary>What <c>optimus load --json</c> prints at the end.</summary>
internal sealed record LoadReport(
    string Version, string Status, long Entries, long NewEntries, long Bytes, double Seconds, int MalformedLines, IReadOnlyDictionary<string, TableStats> Tables);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LoadReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
