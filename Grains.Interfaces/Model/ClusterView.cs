using System.Collections.Immutable;
using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>
/// <c>GET /cluster</c>: the silos as this one sees them, at the membership version it last read, and the cluster's id.
/// A silo's address (<c>host:port@generation</c>) is also where cluster clients reach it: its gateway.
/// </summary>
[Immutable]
public sealed record ClusterView(string ClusterId, string Self, long MembershipVersion, ImmutableArray<ClusterMember> Silos)
{
    /// <summary>The view of <paramref name="silo"/>.</summary>
    public static ClusterView Of(ILocalSilo silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var membership = silo.Membership;
        return new ClusterView(
            silo.ClusterId,
            silo.Address.ToString(),
            membership.Version,
            [.. membership.Silos.Select(s => new ClusterMember(s.Key.ToString(), s.Value.ToString())).OrderBy(m => m.Address, StringComparer.Ordinal)]);
    }

    /// <summary>The view as a membership snapshot, leaving out what it does not say rightly (an address or status it cannot read).</summary>
    public MembershipSnapshot ToSnapshot()
    {
        var silos = ImmutableDictionary.CreateBuilder<SiloAddress, MembershipStatus>();
        foreach (var member in Silos)
        {
            if (SiloAddress.TryParse(member.Address, out var address) && Enum.TryParse<MembershipStatus>(member.Status, out var status))
            {
                silos[address] = status;
            }
        }

        return new MembershipSnapshot(MembershipVersion, silos.ToImmutable());
    }
}

/// <summary>One silo of <see cref="ClusterView"/>: its address (host:port@generation) and status.</summary>
[Immutable]
public sealed record ClusterMember(string Address, string Status);
