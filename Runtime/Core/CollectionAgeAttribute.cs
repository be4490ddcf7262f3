namespace Optimus.Runtime;

/// <summary>On a grain class: how long an activation may stay idle before it is collected, overriding the silo default.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class CollectionAgeAttribute(double minutes) : Attribute
{
    /// <summary>The collection age.</summary>
    public TimeSpan Age { get; } = TimeSpan.FromMinutes(minutes);
}
