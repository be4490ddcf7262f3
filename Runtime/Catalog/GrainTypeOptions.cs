using System.Reflection;

namespace Optimus.Runtime;

/// <summary>The grain classes a silo hosts. Add them with <c>AddGrains(assembly)</c> or <c>AddGrain&lt;T&gt;()</c>.</summary>
public sealed class GrainTypeOptions
{
    /// <summary>The grain classes; duplicates are ignored.</summary>
    public ISet<Type> Classes { get; } = new HashSet<Type>();

    /// <summary>Adds every concrete grain class of <paramref name="assembly"/>, as the grain code generator listed them.</summary>
    public void AddAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        foreach (var listed in assembly.GetCustomAttributes<GrainClassAttribute>())
        {
            Classes.Add(listed.ClassType);
        }
    }
}
