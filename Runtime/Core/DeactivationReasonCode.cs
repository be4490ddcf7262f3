namespace Optimus.Runtime;

/// <summary>The kinds of <see cref="DeactivationReason"/>.</summary>
public enum DeactivationReasonCode
{
    /// <summary>No reason recorded.</summary>
    None,

    /// <summary>The grain asked for it (<see cref="Grain.DeactivateOnIdle"/>) or an operator did.</summary>
    ApplicationRequested,

    /// <summary>The activation was idle for longer than its collection age.</summary>
    Idle,

    /// <summary>A state write found a stale ETag: the activation is dropped so that the next call reloads.</summary>
    InconsistentState,

    /// <summary>The silo is shutting down.</summary>
    ShuttingDown,
}
