using System.Collections.Concurrent;
using System.Reflection;

namespace Optimus.Runtime.Invocation;

/// <summary>
/// The proxy behind every grain reference: a grain id, the interface it is seen through and the runtime that sends its
/// calls. It turns an interface call into one request through the method's descriptor. Equal when the ids are.
/// </summary>
#pragma warning disable CA1852 // DispatchProxy derives the proxy type from this class at run time
internal class GrainReference : DispatchProxy
#pragma warning restore CA1852
{
    // DispatchProxy generates one proxy type per interface, but finds it under a lock and builds every instance by
    // reflection; a copy of one instance per interface costs an allocation and carries what the generated type needs.
    private static readonly ConcurrentDictionary<Type, GrainReference> Prototypes = new();

    public GrainId GrainId { get; private set; }

    public Type InterfaceType { get; private set; } = null!;

    public IRuntimeClient Runtime { get; private set; } = null!;

    public static object Create(Type interfaceType, GrainId grainId, IRuntimeClient runtime)
    {
        var reference = (GrainReference)Prototypes.GetOrAdd(interfaceType, NewPrototype).MemberwiseClone();
        reference.GrainId = grainId;
        reference.InterfaceType = interfaceType;
        reference.Runtime = runtime;
        return reference;
    }

    public override bool Equals(object? obj) => obj is GrainReference other && other.GrainId == GrainId;

    public override int GetHashCode() => GrainId.GetHashCode();

    public override string ToString() => GrainId.ToString();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var method = Runtime.Interfaces.GetMethod(targetMethod);
        return method.Issuer(this, method, args ?? []);
    }

    private static GrainReference NewPrototype(Type interfaceType) => (GrainReference)DispatchProxy.Create(interfaceType, typeof(GrainReference));
}
