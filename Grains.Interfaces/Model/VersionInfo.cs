using System.Collections.Immutable;
using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>
/// A version as the API shows it: status, history, and (once saved) each table's entry count and checksum.
/// </summary>
[Immutable]
public sealed record VersionInfo(
    string Id,
    string Dataset,
    string? Label,
    VersionStatus Status,
    DateTimeOffset CreatedAt,
    int Shards,
    ImmutableDictionary<string, TableStats>? Tables,
    ImmutableArray<VersionEvent> History);
