using System.Collections.Frozen;

namespace Optimus.Runtime.Invocation;

/// <summary>
/// A grain interface, its generated code and its methods, by slot (for proxies) and by id (for messages).
/// <see cref="Name"/> is the name messages carry.
/// </summary>
internal sealed class InterfaceDescriptor(Type type, GrainInterfaceCode code)
{
    public Type Type { get; } = type;

    public string Name { get; } = type.FullName!;

    public GrainInterfaceCode Code { get; } = code;

    public MethodDescriptor[] Slots { get; internal set; } = [];

    public FrozenDictionary<uint, MethodDescriptor> Methods { get; internal set; } = FrozenDictionary<uint, MethodDescriptor>.Empty;

    public override string ToString() => Name;
}
