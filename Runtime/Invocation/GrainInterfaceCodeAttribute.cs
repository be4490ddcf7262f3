using System.Diagnostics.CodeAnalysis;

namespace Optimus.Runtime.Invocation;

/// <summary>
/// Written by the grain code generator into the assembly that declares a grain interface: which class holds the
/// interface's <see cref="GrainInterfaceCode"/>. Not for hand-written code.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class GrainInterfaceCodeAttribute(
    Type interfaceType,
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] Type codeType) : Attribute
{
    public Type InterfaceType { get; } = interfaceType;

    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)]
    public Type CodeType { get; } = codeType;
}
