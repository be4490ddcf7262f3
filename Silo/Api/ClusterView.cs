using System.Collections.Immutable;
using Optimus.Runtime;

namespace Optimus.Silo.Api;

/// <summary><c>GET /cluster</c>: the silos as this one sees them, at the membership version it last read.</summary>
public sealed record ClusterView(string Self, long MembershipVersion, ImmutableArray<ClusterMember> Silos)
{
    public static ClusterView Of(ILocalSilo silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var membership = silo.Membership;
        return new ClusterView(
            silo.Address.ToString(),
            membership.Version,
            [.. membership.Silos.Select(s => new ClusterMember(s.Key.ToString(), s.Value.ToString())).OrderBy(m => m.Address, StringComparer.Ordinal)]);
    }
}

/// <summary>One silo of <see cref="ClusterView"/>: its address (host:port@generation) and status.</summary>
public sealed record ClusterMember(string Address, string Status);
