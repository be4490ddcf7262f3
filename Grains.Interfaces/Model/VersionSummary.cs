using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>A version as a dataset lists it.</summary>
[Immutable]
public sealed record VersionSummary(string Id, VersionStatus Status, string? Label, DateTimeOffset CreatedAt);
