using Optimus.Runtime.Catalog;
using Optimus.Runtime.Scheduler;

namespace Optimus.Runtime;

/// <summary>The scope returned by <see cref="RequestContext.AllowCallChainReentrancy"/>.</summary>
internal sealed class CallChainReentrancyScope : IDisposable
{
    private readonly RequestContextData? _previous;
    private readonly ActivationData? _activation;
    private readonly Guid _chainId;
    private bool _disposed;

    private CallChainReentrancyScope(RequestContextData? previous, ActivationData? activation, Guid chainId)
    {
        _previous = previous;
        _activation = activation;
        _chainId = chainId;
    }

    public static CallChainReentrancyScope Enter()
    {
        var previous = RequestContextData.Current;
        var chainId = previous is { CallChainId: var existing } && existing != Guid.Empty ? existing : Guid.NewGuid();
        RequestContextData.Current = (previous ?? RequestContextData.Empty) with { CallChainId = chainId };
        var activation = ActivationTaskScheduler.CurrentActivation;
        activation?.OpenCallChain(chainId);
        return new CallChainReentrancyScope(previous, activation, chainId);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _activation?.CloseCallChain(_chainId);
        RequestContextData.Current = _previous;
    }
}
