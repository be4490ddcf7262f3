using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Optimus.Runtime.Catalog;

/// <summary>What the runtime knows of one grain class: its type name, scheduling attributes and grain interfaces.</summary>
internal sealed class GrainClassInfo
{
    public GrainClassInfo([DynamicallyAccessedMembers(GrainClassAttribute.Kept)] Type classType)
    {
        if (!typeof(Grain).IsAssignableFrom(classType) || classType.IsAbstract || classType.IsGenericTypeDefinition)
        {
            throw new ArgumentException($"{classType} is not a concrete, non-generic subclass of Grain.");
        }

        ClassType = classType;
        GrainType = NameOf(classType);
        IsReentrant = classType.IsDefined(typeof(ReentrantAttribute), inherit: true);
        MaxLocalWorkers = classType.GetCustomAttribute<StatelessWorkerAttribute>(inherit: true)?.MaxLocalWorkers ?? 0;
        IsSiloBound = classType.IsDefined(typeof(SiloBoundAttribute), inherit: true);
        CollectionAge = classType.GetCustomAttribute<CollectionAgeAttribute>(inherit: true)?.Age;
        Interfaces = Array.FindAll(classType.GetInterfaces(), i => typeof(IAddressable).IsAssignableFrom(i));
    }

    [DynamicallyAccessedMembers(GrainClassAttribute.Kept)]
    public Type ClassType { get; }

    public string GrainType { get; }

    public bool IsReentrant { get; }

    /// <summary>Greater than zero for a <see cref="StatelessWorkerAttribute"/> grain: its local activation limit.</summary>
    public int MaxLocalWorkers { get; }

    public bool IsStatelessWorker => MaxLocalWorkers > 0;

    /// <summary>From <see cref="SiloBoundAttribute"/>: the grain's key names the silo it lives on.</summary>
    public bool IsSiloBound { get; }

    /// <summary>From <see cref="CollectionAgeAttribute"/>; null means the silo default.</summary>
    public TimeSpan? CollectionAge { get; }

    public IReadOnlyList<Type> Interfaces { get; }

    /// <summary>The grain type name: <see cref="GrainTypeAttribute"/>, or the class name lower-cased minus "Grain".</summary>
    public static string NameOf(Type classType)
    {
        if (classType.GetCustomAttribute<GrainTypeAttribute>() is { } attribute)
        {
            return attribute.Name;
        }

        var name = classType.Name;
        if (name.Length > "Grain".Length && name.EndsWith("Grain", StringComparison.Ordinal))
        {
            name = name[..^"Grain".Length];
        }

#pragma warning disable CA1308 // grain type names are lower-case by convention, as in Orleans
        return name.ToLowerInvariant();
#pragma warning restore CA1308
    }

    public override string ToString() => $"{GrainType} ({ClassType})";
}
