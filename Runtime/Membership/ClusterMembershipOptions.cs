namespace Optimus.Runtime;

/// <summary>How silos keep track of each other. Bound from the configuration section <c>Optimus:Membership</c>.</summary>
public sealed class ClusterMembershipOptions : IValidatedOptions
{
    /// <summary>How often a silo reads the membership table. It acts on what it reads. Default: 1 second.</summary>
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a silo writes that it is alive (for operators: decisions go by votes). Default: 5 seconds.</summary>
    public TimeSpan IAmAlivePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a silo pings the peers it watches. Default: 1 second.</summary>
    public TimeSpan ProbePeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a ping, or a connection attempt, may take before it counts as missed. Default: 1 second.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes in a row after which a silo votes its peer dead. Default: 3.</summary>
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>How many peers each silo watches (the next ones in address order). Default: 3.</summary>
    public int ProbedSilos { get; set; } = 3;

    /// <summary>How long a vote counts. Default: 2 minutes.</summary>
    public TimeSpan VoteExpiration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a silo that stops gracefully waits, once it has said it is leaving, for its peers to notice
    /// before it hands its grains over. Default: twice the refresh period.</summary>
    public TimeSpan? LeaveGracePeriod { get; set; }

    internal TimeSpan Grace => LeaveGracePeriod ?? RefreshPeriod * 2;

    IEnumerable<string> IValidatedOptions.Validate()
    {
        foreach (var (name, value) in new[] { (nameof(RefreshPeriod), RefreshPeriod), (nameof(IAmAlivePeriod), IAmAlivePeriod), (nameof(ProbePeriod), ProbePeriod), (nameof(ProbeTimeout), ProbeTimeout), (nameof(VoteExpiration), VoteExpiration) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return $"ClusterMembershipOptions.{name} must be positive; it is {value}.";
            }
        }

        if (MissedProbesLimit < 1 || ProbedSilos < 1)
        {
            yield return "ClusterMembershipOptions.MissedProbesLimit and ProbedSilos must be at least 1.";
        }
    }
}
