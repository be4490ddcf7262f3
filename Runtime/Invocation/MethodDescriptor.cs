using System.Reflection;
using Optimus.Runtime.Messaging;

namespace Optimus.Runtime.Invocation;

/// <summary>
/// Everything the runtime needs to know about one grain interface method, computed once: its stable id, scheduling
/// flags, timeout, whether its arguments and result need copying, and the generated call of it on a grain.
/// </summary>
internal sealed class MethodDescriptor
{
    public required InterfaceDescriptor Interface { get; init; }

    public required MethodInfo Method { get; init; }

    /// <summary>A stable id: the hash of the method's name and parameter types.</summary>
    public required uint Id { get; init; }

    /// <summary>For messages: <c>IFooGrain.Bar</c>.</summary>
    public required string Name { get; init; }

    public required Type[] ParameterTypes { get; init; }

    /// <summary>The T of <c>Task&lt;T&gt;</c> or <c>ValueTask&lt;T&gt;</c>; null when there is no result.</summary>
    public required Type? ResultType { get; init; }

    public required ReturnKind ReturnKind { get; init; }

    public required MessageFlags Flags { get; init; }

    public required bool IsOneWay { get; init; }

    /// <summary>From <see cref="ResponseTimeoutAttribute"/>; null means the silo default.</summary>
    public required TimeSpan? Timeout { get; init; }

    /// <summary>True when every parameter type is immutable, so a local call passes the arguments as they are.</summary>
    public required bool ArgumentsImmutable { get; init; }

    /// <summary>True when the result type is immutable (or there is none).</summary>
    public required bool ResultImmutable { get; init; }

    /// <summary>Grain side: calls the method on a grain instance and adapts its result.</summary>
    public required Func<object, object?[], ValueTask<object?>> Invoker { get; init; }

    public override string ToString() => Name;
}
