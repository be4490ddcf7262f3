using System.Collections.Immutable;

namespace Optimus.Runtime;

/// <summary>The whole membership table as read at one moment: its version and every row.</summary>
public sealed record MembershipTableData(long Version, ImmutableArray<MembershipRow> Rows)
{
    /// <summary>The row of <paramref name="silo"/> (this generation), or null.</summary>
    public MembershipRow? Find(SiloAddress silo) => Rows.FirstOrDefault(r => r.Entry.Silo == silo);
}
