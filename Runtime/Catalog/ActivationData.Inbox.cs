using Optimus.Runtime.Invocation;
using Optimus.Runtime.Messaging;

namespace Optimus.Runtime.Catalog;

/// <summary>
/// The message loop of an activation: requests queue here and are admitted one turn at a time, except where the
/// interleaving rules allow more (see <see cref="CanAdmit"/> and <see cref="CanBypass"/>).
/// </summary>
internal sealed partial class ActivationData
{
    private static readonly Action<object?> s_runRequest = static state =>
    {
        var message = (Message)state!;
        _ = message.TargetActivation!.RunAsync(message);
    };

    private readonly Queue<Message> _waiting = new();
    private readonly List<(Message Message, long Started)> _running = new(1);
    private int _runningNotReadOnly;
    private int _waitingBypassCandidates;
    private Dictionary<Guid, int>? _openChains;

    /// <summary>Requests running or waiting.</summary>
    public int Load
    {
        get
        {
            lock (_lock)
            {
                return _running.Count + _waiting.Count;
            }
        }
    }

    public bool IsIdle
    {
        get
        {
            lock (_lock)
            {
                return State == ActivationState.Valid && _running.Count == 0 && _waiting.Count == 0;
            }
        }
    }

    public bool TryEnqueue(Message message)
    {
        lock (_lock)
        {
            if (State == ActivationState.Invalid)
            {
                // Gone: a successor (if any) takes it, behind the requests this activation handed over.
                return _successor?.TryEnqueue(message) ?? false;
            }

            if (State == ActivationState.Valid
                && ((_deactivation is null && _waiting.Count == 0 && CanAdmit(message)) || CanBypass(message)))
            {
                Admit(message);
            }
            else
            {
                _waiting.Enqueue(message);
                if (IsBypassCandidate(message))
                {
                    _waitingBypassCandidates++;
                }
            }

            return true;
        }
    }

    public void OpenCallChain(Guid chainId)
    {
        lock (_lock)
        {
            _openChains ??= [];
            _openChains[chainId] = _openChains.GetValueOrDefault(chainId) + 1;

            // A request of this chain may already be waiting behind the one that opened it.
            if (State == ActivationState.Valid)
            {
                AdmitBypassers();
            }
        }
    }

    public void CloseCallChain(Guid chainId)
    {
        lock (_lock)
        {
            if (_openChains is not null && _openChains.TryGetValue(chainId, out var count))
            {
                if (count <= 1)
                {
                    _openChains.Remove(chainId);
                }
                else
                {
                    _openChains[chainId] = count - 1;
                }
            }
        }
    }

    private static bool IsBypassCandidate(Message message) => message.IsAlwaysInterleave || message.CallChainId != Guid.Empty;

    // Ordinary admission: nothing runs; or the grain is reentrant; or the request is read-only and so is all that runs.
    private bool CanAdmit(Message message) =>
        _running.Count == 0 || Class.IsReentrant || (message.IsReadOnly && _runningNotReadOnly == 0);

    // Bypass admission, even past waiting requests: always-interleave, or a request of a call chain that a running
    // request of this activation is waiting on.
    private bool CanBypass(Message message) =>
        message.IsAlwaysInterleave
        || (message.CallChainId != Guid.Empty && _openChains is not null && _openChains.ContainsKey(message.CallChainId));

    private void Admit(Message message)
    {
        _running.Add((message, Time.GetTimestamp()));
        if (!message.IsReadOnly)
        {
            _runningNotReadOnly++;
        }

        Touch(message);
        message.TargetActivation = this;
        RunOnScheduler(s_runRequest, message);
    }

    private void Touch(Message message)
    {
        if ((message.Flags & MessageFlags.NoKeepAlive) == 0)
        {
            Volatile.Write(ref _lastActivity, Time.GetTimestamp());
        }
    }

    // Under the lock, while valid: admits waiting requests in order while the rules allow, then any that may bypass.
    private void Pump()
    {
        var now = Time.GetTimestamp();
        while (_waiting.TryPeek(out var next))
        {
            if (next.IsExpired(now))
            {
                Dequeue();
                MessagingLog.Expired(_catalog.Logger, next);
                continue;
            }

            if (!CanAdmit(next) && !CanBypass(next))
            {
                break;
            }

            Admit(Dequeue());
        }

        AdmitBypassers();
    }

    private Message Dequeue()
    {
        var message = _waiting.Dequeue();
        if (IsBypassCandidate(message))
        {
            _waitingBypassCandidates--;
        }

        return message;
    }

    // Always-interleave requests and requests of an open call chain must not wait behind a blocked request.
    private void AdmitBypassers()
    {
        if (_waitingBypassCandidates == 0)
        {
            return;
        }

        var count = _waiting.Count;
        for (var i = 0; i < count; i++)
        {
            var message = Dequeue();
            if (CanBypass(message))
            {
                Admit(message);
            }
            else
            {
                _waiting.Enqueue(message);
                if (IsBypassCandidate(message))
                {
                    _waitingBypassCandidates++;
                }
            }
        }
    }

    private async Task RunAsync(Message message)
    {
        Response? response = null;
        try
        {
            if (message.IsExpired(Time.GetTimestamp()))
            {
                MessagingLog.Expired(_catalog.Logger, message);
            }
            else if (message.LocalWork is { } work)
            {
                EnterOwnContext("(timer)");
                await work();
            }
            else
            {
                var method = message.Method!;
                var metrics = _catalog.Metrics.Enabled ? _catalog.Metrics : null;
                var started = metrics is null ? 0 : Time.GetTimestamp();
                RequestContextData.EnterRequest(message, GrainId, method.Name);
                try
                {
                    response = Response.FromValue(await InvokeAsync(method, (object?[])message.Body!));
                }
                finally
                {
                    metrics?.RecordCall(GrainId.Type, method.Name, Time.GetElapsedTime(started), response is not null);
                }
            }
        }
#pragma warning disable CA1031 // a grain's exception goes back to its caller, whatever it is
        catch (Exception exception)
#pragma warning restore CA1031
        {
            if (message.Direction == MessageDirection.Request)
            {
                response = Response.FromException(exception);
            }
            else
            {
                LogUnreportedFailure(_catalog.Logger, exception, message);
            }
        }
        finally
        {
            RequestContextData.Current = null;
            OnRequestCompleted(message);
        }

        if (response is not null && message.Direction == MessageDirection.Request)
        {
            _catalog.MessageCenter.SendResponse(message.CreateResponse(response));
        }
    }

    private ValueTask<object?> InvokeAsync(MethodDescriptor method, object?[] arguments)
    {
        var grain = Grain!;
        return _filters.Count == 0 ? method.Invoker(grain, arguments) : IncomingCallContext.InvokeAsync(GrainId, grain, method, arguments, _filters);
    }

    private void OnRequestCompleted(Message message)
    {
        bool deactivate;
        var idle = false;
        lock (_lock)
        {
            for (var i = 0; i < _running.Count; i++)
            {
                if (ReferenceEquals(_running[i].Message, message))
                {
                    _running.RemoveAt(i);
                    break;
                }
            }

            if (!message.IsReadOnly)
            {
                _runningNotReadOnly--;
            }

            Touch(message); // a long call counts as activity until it ends
            if (State != ActivationState.Valid)
            {
                return;
            }

            deactivate = _deactivation is { } reason && BeginDeactivation(reason);
            if (!deactivate && _deactivation is null)
            {
                Pump();
                idle = _running.Count == 0 && _waiting.Count == 0;
            }
        }

        if (deactivate)
        {
            RunOnScheduler(s_deactivate, this);
        }
        else if (idle)
        {
            _catalog.OnActivationIdle();
        }
    }

    [Microsoft.Extensions.Logging.LoggerMessage(EventId = 1204, Level = Microsoft.Extensions.Logging.LogLevel.Warning,
        Message = "{Message} failed and has no caller to report to.")]
    private static partial void LogUnreportedFailure(Microsoft.Extensions.Logging.ILogger logger, Exception exception, Message message);
}
