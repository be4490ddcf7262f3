namespace Optimus.Runtime;

/// <summary>On a grain interface method: requests to it interleave with any other request, even on a non-reentrant grain.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;
