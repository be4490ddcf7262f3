using System.Reflection;

namespace Optimus.Runtime.Invocation;

/// <summary>Carries one call through the filter chain to the grain method.</summary>
internal sealed class IncomingCallContext(
    GrainId grainId,
    object grain,
    MethodDescriptor method,
    object?[] arguments,
    IReadOnlyList<IIncomingGrainCallFilter> filters) : IIncomingGrainCallContext
{
    private int _next;

    public GrainId GrainId => grainId;

    public object Grain => grain;

    public MethodInfo InterfaceMethod => method.Method;

    public IReadOnlyList<object?> Arguments => arguments;

    public object? Result { get; set; }

    public async Task Invoke()
    {
        if (_next < filters.Count)
        {
            await filters[_next++].Invoke(this);
            return;
        }

        if (_next++ > filters.Count)
        {
            throw new InvalidOperationException($"A call filter invoked {method.Name} twice.");
        }

        Result = await method.Invoker(grain, arguments);
    }
}
