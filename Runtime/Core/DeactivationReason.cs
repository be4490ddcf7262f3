namespace Optimus.Runtime;

/// <summary>Why an activation is being deactivated, passed to <see cref="Grain.OnDeactivateAsync"/>.</summary>
public readonly record struct DeactivationReason(DeactivationReasonCode Code, string Description)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Code}: {Description}";
}
