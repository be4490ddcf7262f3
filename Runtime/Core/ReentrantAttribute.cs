namespace Optimus.Runtime;

/// <summary>
/// On a grain class: requests may interleave at every await. The grain still runs one turn at a time, but a second
/// request may start while the first one awaits.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class ReentrantAttribute : Attribute;
