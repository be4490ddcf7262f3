using System.Collections.Immutable;
using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>A dataset as the API shows it: its tables, retention, active version and most recent versions.</summary>
[Immutable]
public sealed record DatasetInfo(
    string Name,
    ImmutableArray<string> Tables,
    RetentionPolicy Retention,
    string? ActiveVersion,
    DateTimeOffset CreatedAt,
    ImmutableArray<VersionSummary> Versions);
