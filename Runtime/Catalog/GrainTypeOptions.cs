using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Optimus.Runtime;

/// <summary>The grain classes a silo hosts. Add them with <c>AddGrains(assembly)</c> or <c>AddGrain&lt;T&gt;()</c>.</summary>
public sealed class GrainTypeOptions
{
    private readonly HashSet<Type> _classes = [];

    /// <summary>The grain classes added so far, each once.</summary>
    public IReadOnlyCollection<Type> Classes => _classes;

    /// <summary>
    /// Adds one grain class; adding it again changes nothing. The parameter's annotation keeps, in a trimmed process,
    /// what the runtime reads of the class (<see cref="GrainClassAttribute.Kept"/>).
    /// </summary>
    public void Add([DynamicallyAccessedMembers(GrainClassAttribute.Kept)] Type grainClass)
    {
        ArgumentNullException.ThrowIfNull(grainClass);
        _classes.Add(grainClass);
    }

    /// <summary>Adds every concrete grain class of <paramref name="assembly"/>, as the grain code generator listed them.</summary>
    public void AddAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        foreach (var listed in assembly.GetCustomAttributes<GrainClassAttribute>())
        {
            Add(listed.ClassType);
        }
    }
}
