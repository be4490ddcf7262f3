using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>A table's entry count and order-independent checksum (16 hex digits; see <see cref="EntryChecksum"/>).</summary>
[Immutable]
public sealed record TableStats(long Entries, string Checksum);
