using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>What a sealed shard reports: its distinct keys and the sum of their entry checksums.</summary>
[Immutable]
public sealed record ShardStats(long Entries, ulong Checksum);
