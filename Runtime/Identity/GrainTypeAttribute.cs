namespace Optimus.Runtime;

/// <summary>
/// Names a grain class's type explicitly. Without it the type name is the class name, lower-cased, minus a
/// <c>Grain</c> suffix (<c>DatasetGrain</c> → <c>dataset</c>). The name is part of every grain id, in storage too,
/// so it must never change once data exists.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The grain type name.</summary>
    public string Name { get; } = name;
}
