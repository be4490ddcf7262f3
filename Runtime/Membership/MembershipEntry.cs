using System.Collections.Immutable;

namespace Optimus.Runtime;

/// <summary>One silo's row in the membership table.</summary>
public sealed record MembershipEntry(
    SiloAddress Silo,
    MembershipStatus Status,
    string SiloName,
    DateTimeOffset StartedAt,
    DateTimeOffset IAmAliveAt,
    ImmutableArray<Suspicion> Suspicions)
{
    /// <summary>Votes cast at or after <paramref name="since"/>, one per voter.</summary>
    public int FreshVotes(DateTimeOffset since) => Suspicions.Where(s => s.At >= since).Select(s => s.By).Distinct().Count();
}
