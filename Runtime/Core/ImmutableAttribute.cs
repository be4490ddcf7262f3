namespace Optimus.Runtime;

/// <summary>
/// On a type: its instances never change after construction, so a call within one silo may pass them by reference
/// instead of copying them. Declare it only on types whose members are immutable too.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class ImmutableAttribute : Attribute;
