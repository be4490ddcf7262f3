namespace Optimus.Runtime;

/// <summary>
/// On a grain interface method: the method does not change the grain's state, so read-only requests may interleave
/// with each other (never with a request that is not read-only).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadOnlyAttribute : Attribute;
