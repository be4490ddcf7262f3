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
    /// <summary>Equal when every field is, the suspicions item by item (an immutable array compares by reference).</summary>
    public bool Equals(MembershipEntry? other) =>
        other is not null && Silo == other.Silo && Status == other.Status && SiloName == other.SiloName && StartedAt == other.StartedAt
        && IAmAliveAt == other.IAmAliveAt && Suspicions.SequenceEqual(other.Suspicions);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Silo, Status, SiloName, StartedAt, IAmAliveAt, Suspicions.Length);
}
