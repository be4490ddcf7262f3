namespace Optimus.Runtime;

/// <summary>A silo's status in the membership table. Dead is final: a restarted process joins as a new generation.</summary>
public enum MembershipStatus
{
    /// <summary>Starting: in the table, not yet serving.</summary>
    Joining = 1,

    /// <summary>Serving: owns its share of the grains.</summary>
    Active = 2,

    /// <summary>Stopping gracefully: hands its grains over.</summary>
    ShuttingDown = 3,

    /// <summary>Gone, declared by itself on a clean stop or by the votes of its peers.</summary>
    Dead = 4,
}
