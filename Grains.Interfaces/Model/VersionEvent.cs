using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>One step of a version's history: the status it took, when, and why.</summary>
[Immutable]
public sealed record VersionEvent(VersionStatus Status, DateTimeOffset At, string? Reason);
