namespace Optimus.Runtime;

/// <summary>When idle activations are collected. Bound from the configuration section <c>Optimus:GrainCollection</c>.</summary>
public sealed class GrainCollectionOptions : IValidatedOptions
{
    /// <summary>How long an activation may stay idle before it is deactivated, unless its class says otherwise with
    /// <see cref="CollectionAgeAttribute"/>; <see cref="Timeout.InfiniteTimeSpan"/> never collects. Default: 15 minutes.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the collector looks for idle activations; an activation lives at most this much past its age.
    /// Default: 1 minute.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long <see cref="Grain.OnDeactivateAsync"/> may run before its token is cancelled. Default: 30 seconds.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    IEnumerable<string> IValidatedOptions.Validate()
    {
        if (CollectionAge <= TimeSpan.Zero && CollectionAge != Timeout.InfiniteTimeSpan)
        {
            yield return $"GrainCollectionOptions.CollectionAge must be positive or infinite; it is {CollectionAge}.";
        }

        if (CollectionQuantum <= TimeSpan.Zero)
        {
            yield return $"GrainCollectionOptions.CollectionQuantum must be positive; it is {CollectionQuantum}.";
        }

        if (DeactivationTimeout <= TimeSpan.Zero)
        {
            yield return $"GrainCollectionOptions.DeactivationTimeout must be positive; it is {DeactivationTimeout}.";
        }
    }
}
