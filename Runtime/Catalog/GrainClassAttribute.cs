using System.Diagnostics.CodeAnalysis;

namespace Optimus.Runtime;

/// <summary>
/// Written by the grain code generator into an assembly for each concrete grain class it declares, so that
/// <see cref="GrainTypeOptions.AddAssembly"/> finds them without listing the assembly's types, and a trimmed process
/// keeps what the runtime reads of them: their public constructors and interfaces. Not for hand-written code.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class GrainClassAttribute(
    [DynamicallyAccessedMembers(GrainClassAttribute.Kept)] Type classType) : Attribute
{
    /// <summary>What the runtime reads of a grain class by reflection.</summary>
    public const DynamicallyAccessedMemberTypes Kept = DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.Interfaces;

    [DynamicallyAccessedMembers(Kept)]
    public Type ClassType { get; } = classType;
}
