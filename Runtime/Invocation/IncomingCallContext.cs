using System.Reflection;

namespace Optimus.Runtime.Invocation;

/// <summary>
/// One call on its way through the filter chain to the grain method. Each filter gets a context of its own stage, so
/// a filter that calls <see cref="Invoke"/> twice is caught instead of skipping a filter or running the grain twice.
/// </summary>
internal sealed class IncomingCallContext : IIncomingGrainCallContext
{
    private readonly Call _call;
    private readonly int _stage;
    private bool _invoked;

    private IncomingCallContext(Call call, int stage)
    {
        _call = call;
        _stage = stage;
    }

    public GrainId GrainId => _call.GrainId;

    public object Grain => _call.Grain;

    public MethodInfo InterfaceMethod => _call.Method.Method;

    public IReadOnlyList<object?> Arguments => _call.Arguments;

    public object? Result
    {
        get => _call.Result;
        set => _call.Result = value;
    }

    /// <summary>Runs the call through <paramref name="filters"/> and returns the result the last filter left.</summary>
    public static async ValueTask<object?> InvokeAsync(
        GrainId grainId, object grain, MethodDescriptor method, object?[] arguments, IReadOnlyList<IIncomingGrainCallFilter> filters)
    {
        var call = new Call(grainId, grain, method, arguments, filters);
        await filters[0].Invoke(new IncomingCallContext(call, 0));
        return call.Result;
    }

    public async Task Invoke()
    {
        if (_invoked)
        {
            throw new InvalidOperationException($"A call filter invoked {_call.Method.Name} twice.");
        }

        _invoked = true;
        var next = _stage + 1;
        if (next < _call.Filters.Count)
        {
            await _call.Filters[next].Invoke(new IncomingCallContext(_call, next));
        }
        else
        {
            _call.Result = await _call.Method.Invoker(_call.Grain, _call.Arguments);
        }
    }

    private sealed class Call(GrainId grainId, object grain, MethodDescriptor method, object?[] arguments, IReadOnlyList<IIncomingGrainCallFilter> filters)
    {
        public GrainId GrainId { get; } = grainId;

        public object Grain { get; } = grain;

        public MethodDescriptor Method { get; } = method;

        public object?[] Arguments { get; } = arguments;

        public IReadOnlyList<IIncomingGrainCallFilter> Filters { get; } = filters;

        public object? Result { get; set; }
    }
}
