using System.Collections.Immutable;

namespace Optimus.Runtime;

/// <summary>
/// What one silo believes about the cluster at one table version: every silo's status. Immutable; a newer version
/// replaces it whole. Silos act on versions, never on guesses about time.
/// </summary>
public sealed record MembershipSnapshot(long Version, ImmutableDictionary<SiloAddress, MembershipStatus> Silos)
{
    /// <summary>A snapshot of a silo alone, for a silo without a cluster.</summary>
    public static MembershipSnapshot Standalone(SiloAddress self) =>
        new(0, ImmutableDictionary<SiloAddress, MembershipStatus>.Empty.Add(self, MembershipStatus.Active));

    /// <summary>The silos that own grains: the active ones, in address order.</summary>
    public ImmutableArray<SiloAddress> Active { get; } =
        [.. Silos.Where(s => s.Value == MembershipStatus.Active).Select(s => s.Key).OrderBy(s => s.ToString(), StringComparer.Ordinal)];

    public MembershipStatus? StatusOf(SiloAddress silo) => Silos.TryGetValue(silo, out var status) ? status : null;

    public override string ToString() => $"version {Version}: active silos {string.Join(", ", Active)}";

    public static MembershipSnapshot From(MembershipTableData table) =>
        new(table.Version, table.Rows.ToImmutableDictionary(r => r.Entry.Silo, r => r.Entry.Status));
}
