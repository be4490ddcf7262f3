using System.Collections.Immutable;
using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>The outcome of saving a version: SAVED or FAILED, each table's figures, and the reason for a failure.</summary>
[Immutable]
public sealed record SaveVerdict(VersionStatus Status, ImmutableDictionary<string, TableStats> Tables, string? Reason);
