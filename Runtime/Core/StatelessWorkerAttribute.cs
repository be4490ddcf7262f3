namespace Optimus.Runtime;

/// <summary>
/// On a grain class: the grain has no single owner. Each silo runs up to <see cref="MaxLocalWorkers"/> activations of
/// it and hands each call to an idle one, creating more under load.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class StatelessWorkerAttribute : Attribute
{
    /// <summary>Up to one activation per processor.</summary>
    public StatelessWorkerAttribute() => MaxLocalWorkers = Environment.ProcessorCount;

    /// <summary>Up to <paramref name="maxLocalWorkers"/> activations per silo.</summary>
    public StatelessWorkerAttribute(int maxLocalWorkers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLocalWorkers, 1);
        MaxLocalWorkers = maxLocalWorkers;
    }

    /// <summary>The most activations one silo runs.</summary>
    public int MaxLocalWorkers { get; }
}
