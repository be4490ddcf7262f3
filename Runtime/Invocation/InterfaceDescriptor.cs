using System.Collections.Frozen;

namespace Optimus.Runtime.Invocation;

/// <summary>A grain interface and its methods by id. <see cref="Name"/> is the name messages carry.</summary>
internal sealed class InterfaceDescriptor(Type type)
{
    public Type Type { get; } = type;

    public string Name { get; } = type.FullName!;

    public FrozenDictionary<uint, MethodDescriptor> Methods { get; internal set; } = FrozenDictionary<uint, MethodDescriptor>.Empty;

    public override string ToString() => Name;
}
