using System.Globalization;
using Microsoft.Extensions.Logging;
using Optimus.Runtime.Invocation;
using Optimus.Runtime.Messaging;
using Optimus.Runtime.Persistence;
using Optimus.Runtime.Scheduler;
using Optimus.Runtime.Timers;

namespace Optimus.Runtime.Catalog;

/// <summary>
/// One activation of a grain: its instance, its scheduler and its message loop. Requests queue here and are admitted
/// one turn at a time, except where the interleaving rules allow more (see <see cref="CanAdmit"/>). The activation is
/// registered in the catalog before any grain code runs; requests that arrive while it activates wait, and requests
/// that arrive while it deactivates are handed to the next activation, never dropped.
/// </summary>
internal sealed partial class ActivationData : IActivationTarget
{
    private static readonly Action<object?> s_runRequest = static state =>
    {
        var message = (Message)state!;
        _ = message.TargetActivation!.RunAsync(message);
    };

    private static readonly Action<object?> s_activate = static state => _ = ((ActivationData)state!).ActivateAsync();
    private static readonly Action<object?> s_deactivate = static state => _ = ((ActivationData)state!).DeactivateAsync();
    private static long s_nextId;

    [ThreadStatic]
    private static ActivationData? t_constructing;

    private readonly object _lock = new();
    private readonly Queue<Message> _waiting = new();
    private readonly List<(Message Message, long Started)> _running = new(1);
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Catalog _catalog;
    private int _runningNotReadOnly;
    private Dictionary<Guid, int>? _openChains;
    private List<IStateLoader>? _stateLoaders;
    private List<GrainTimer>? _timers;
    private DeactivationReason? _deactivation;
    private IReadOnlyList<IIncomingGrainCallFilter> _filters = [];
    private long _lastActivity;
    private long _keepAliveUntil;

    public ActivationData(GrainId grainId, GrainClassInfo grainClass, Catalog catalog, StatelessWorkerPool? pool = null)
    {
        GrainId = grainId;
        Class = grainClass;
        Pool = pool;
        _catalog = catalog;
        Scheduler = new ActivationTaskScheduler(this);
        _lastActivity = catalog.Time.GetTimestamp();
    }

    /// <summary>The activation a grain constructor is running for: how <see cref="Grain"/> finds its context.</summary>
    public static ActivationData? Constructing => t_constructing;

    /// <summary>Unique within the process; tells stateless workers apart.</summary>
    public long Id { get; } = Interlocked.Increment(ref s_nextId);

    public GrainId GrainId { get; }

    public GrainClassInfo Class { get; }

    public StatelessWorkerPool? Pool { get; }

    public ActivationTaskScheduler Scheduler { get; }

    public Grain? Grain { get; private set; }

    public ActivationState State { get; private set; } = ActivationState.Creating;

    public Task Deactivated => _deactivated.Task;

    public IServiceProvider Services => _catalog.Services;

    public TimeProvider Time => _catalog.Time;

    public ILogger Logger => _catalog.Logger;

    public long LastActivity => Volatile.Read(ref _lastActivity);

    public long KeepAliveUntil => Volatile.Read(ref _keepAliveUntil);

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

    public void AddStateLoader(IStateLoader loader) => (_stateLoaders ??= []).Add(loader);

    /// <summary>Starts creating and activating the grain; requests that arrive meanwhile wait.</summary>
    public void Start()
    {
        lock (_lock)
        {
            State = ActivationState.Activating;
        }

        RunOnScheduler(s_activate, this);
    }

    public bool TryEnqueue(Message message)
    {
        lock (_lock)
        {
            if (State == ActivationState.Invalid)
            {
                return false;
            }

            if (State == ActivationState.Valid
                && ((_deactivation is null && _waiting.Count == 0 && CanAdmit(message)) || CanBypass(message)))
            {
                Admit(message);
            }
            else
            {
                _waiting.Enqueue(message);
            }

            return true;
        }
    }

    /// <summary>Asks for deactivation once no request is running. Requests that arrive meanwhile wait for the next activation.</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        lock (_lock)
        {
            if (State is ActivationState.Deactivating or ActivationState.Invalid)
            {
                return;
            }

            _deactivation ??= reason;
            if (State != ActivationState.Valid || _running.Count > 0)
            {
                return;
            }

            State = ActivationState.Deactivating;
        }

        RunOnScheduler(s_deactivate, this);
    }

    /// <summary>Keeps the activation from idle collection for at least <paramref name="period"/>.</summary>
    public void DelayDeactivation(TimeSpan period)
    {
        var until = period <= TimeSpan.Zero ? 0 : period == Timeout.InfiniteTimeSpan ? long.MaxValue : Time.Deadline(period);
        Volatile.Write(ref _keepAliveUntil, until);
    }

    /// <summary>
    /// Collects the activation if it is idle and has been for its collection age. Returns false when it is not due,
    /// so the collector can check again later.
    /// </summary>
    public bool TryCollect(long now, long ageTicks)
    {
        lock (_lock)
        {
            if (State != ActivationState.Valid || _deactivation is not null)
            {
                return true; // leaving by another way: the collector can forget it
            }

            if (_running.Count > 0 || _waiting.Count > 0 || now - _lastActivity < ageTicks || now < _keepAliveUntil)
            {
                return false;
            }
        }

        RequestDeactivation(new DeactivationReason(DeactivationReasonCode.Idle, "idle for longer than its collection age"));
        return true;
    }

    public void OpenCallChain(Guid chainId)
    {
        lock (_lock)
        {
            _openChains ??= [];
            _openChains[chainId] = _openChains.GetValueOrDefault(chainId) + 1;

            // A request of this chain may already be waiting behind the one that opened it.
            if (_waiting.Count > 0 && State == ActivationState.Valid)
            {
                AdmitWaitingOfChain(chainId);
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

    public void AddTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            (_timers ??= []).Add(timer);
        }
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers?.Remove(timer);
        }
    }

    /// <summary>"busy with a/1.Run for 5.0 s, 2 waiting": what a timeout message says about the target.</summary>
    public string Describe()
    {
        lock (_lock)
        {
            var now = Time.GetTimestamp();
            if (_running.Count == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{GrainId} is {State}, {_waiting.Count} waiting");
            }

            var (oldest, started) = _running[0];
            return string.Create(CultureInfo.InvariantCulture,
                $"{GrainId} is busy with {oldest.MethodName} for {Time.GetElapsedTime(started, now).TotalSeconds:0.0} s, {_running.Count} running, {_waiting.Count} waiting");
        }
    }

    public override string ToString() => $"{GrainId}#{Id}";

    // The interleaving rules. Ordinary admission: nothing runs; or the grain is reentrant; or the request is read-only
    // and so is everything running.
    private bool CanAdmit(Message message) =>
        _running.Count == 0 || Class.IsReentrant || (message.IsReadOnly && _runningNotReadOnly == 0);

    // Bypass admission, even past waiting requests: always-interleave, or a request of a call chain that a running
    // request of this activation is waiting on.
    private bool CanBypass(Message message) =>
        message.IsAlwaysInterleave
        || (message.CallChainId != Guid.Empty && _openChains is not null && _openChains.ContainsKey(message.CallChainId));

    private void Admit(Message message)
    {
        var now = Time.GetTimestamp();
        _running.Add((message, now));
        if (!message.IsReadOnly)
        {
            _runningNotReadOnly++;
        }

        if ((message.Flags & MessageFlags.NoKeepAlive) == 0)
        {
            Volatile.Write(ref _lastActivity, now);
        }

        message.TargetActivation = this;
        RunOnScheduler(s_runRequest, message);
    }

    private void Pump()
    {
        var now = Time.GetTimestamp();
        while (_waiting.TryPeek(out var next))
        {
            if (next.IsExpired(now))
            {
                _waiting.Dequeue();
                LogExpired(_catalog.Logger, next);
                continue;
            }

            if (!CanAdmit(next) && !CanBypass(next))
            {
                return;
            }

            _waiting.Dequeue();
            Admit(next);
        }
    }

    private void AdmitWaitingOfChain(Guid chainId)
    {
        var count = _waiting.Count;
        for (var i = 0; i < count; i++)
        {
            var message = _waiting.Dequeue();
            if (message.CallChainId == chainId)
            {
                Admit(message);
            }
            else
            {
                _waiting.Enqueue(message);
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
                LogExpired(_catalog.Logger, message);
            }
            else if (message.LocalWork is { } work)
            {
                await work(_catalog.StoppingToken);
            }
            else
            {
                var method = message.Method!;
                RequestContextData.EnterRequest(message, GrainId, method.Name);
                var result = await InvokeAsync(method, (object?[])message.Body!);
                response = Response.FromValue(result);
            }
        }
#pragma warning disable CA1031 // a grain's exception goes back to its caller, whatever it is
        catch (Exception exception)
#pragma warning restore CA1031
        {
            if (exception is InconsistentStateException)
            {
                RequestDeactivation(new DeactivationReason(DeactivationReasonCode.InconsistentState, exception.Message));
            }

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
        return _filters.Count == 0 ? method.Invoker(grain, arguments) : InvokeFilteredAsync(grain, method, arguments, _filters);
    }

    private async ValueTask<object?> InvokeFilteredAsync(
        object grain, MethodDescriptor method, object?[] arguments, IReadOnlyList<IIncomingGrainCallFilter> filters)
    {
        var context = new IncomingCallContext(GrainId, grain, method, arguments, filters);
        await context.Invoke();
        return context.Result;
    }

    private void OnRequestCompleted(Message message)
    {
        var deactivate = false;
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

            if (State != ActivationState.Valid)
            {
                return;
            }

            if (_deactivation is not null)
            {
                if (_running.Count == 0)
                {
                    State = ActivationState.Deactivating;
                    deactivate = true;
                }
            }
            else
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

    private async Task ActivateAsync()
    {
        try
        {
            t_constructing = this;
            try
            {
                Grain = _catalog.Activator.CreateInstance(this);
            }
            finally
            {
                t_constructing = null;
            }

            // Silo-wide filters first, then the grain's own, if it is one.
            _filters = Grain is IIncomingGrainCallFilter own ? [.. _catalog.Filters, own] : _catalog.Filters;
            foreach (var loader in _stateLoaders ?? [])
            {
                await loader.LoadAsync(_catalog.StoppingToken);
            }

            RequestContextData.Current = RequestContextData.Empty with { Self = new CallPathEntry(GrainId, nameof(Grain.OnActivateAsync)) };
            await Grain.OnActivateAsync(_catalog.StoppingToken);
            RequestContextData.Current = null;
        }
#pragma warning disable CA1031 // the activation's failure is reported to every request that waited for it
        catch (Exception exception)
#pragma warning restore CA1031
        {
            FailActivation(exception);
            return;
        }

        var deactivate = false;
        lock (_lock)
        {
            State = ActivationState.Valid;
            if (_deactivation is not null && _running.Count == 0)
            {
                State = ActivationState.Deactivating;
                deactivate = true;
            }
            else
            {
                Pump();
            }
        }

        _catalog.OnActivated(this);
        if (deactivate)
        {
            RunOnScheduler(s_deactivate, this);
        }
    }

    private void FailActivation(Exception exception)
    {
        LogActivationFailed(_catalog.Logger, exception, GrainId);
        Message[] waiting;
        lock (_lock)
        {
            State = ActivationState.Invalid;
            waiting = [.. _waiting];
            _waiting.Clear();
        }

        _catalog.OnDeactivated(this);
        _deactivated.TrySetResult();
        _catalog.OnActivationIdle();
        foreach (var message in waiting)
        {
            if (message.Direction == MessageDirection.Request && message.LocalWork is null)
            {
                _catalog.MessageCenter.Reject(message, exception);
            }
        }
    }

    private async Task DeactivateAsync()
    {
        var reason = _deactivation ?? default;
        GrainTimer[] timers;
        lock (_lock)
        {
            timers = [.. _timers ?? []];
        }

        foreach (var timer in timers)
        {
            timer.Dispose();
        }

        if (Grain is { } grain)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_catalog.StoppingToken);
            timeout.CancelAfter(_catalog.DeactivationTimeout);
            try
            {
                RequestContextData.Current = RequestContextData.Empty with { Self = new CallPathEntry(GrainId, nameof(Grain.OnDeactivateAsync)) };
                await grain.OnDeactivateAsync(reason, timeout.Token);
            }
#pragma warning disable CA1031 // a failing OnDeactivateAsync must not keep the activation alive
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogDeactivationFailed(_catalog.Logger, exception, GrainId);
            }
            finally
            {
                RequestContextData.Current = null;
            }
        }

        Message[] held;
        lock (_lock)
        {
            State = ActivationState.Invalid;
            held = [.. _waiting];
            _waiting.Clear();
        }

        LogDeactivated(_catalog.Logger, GrainId, reason);
        _catalog.OnDeactivated(this);
        _deactivated.TrySetResult();
        _catalog.OnActivationIdle();
        foreach (var message in held)
        {
            if (message.LocalWork is null)
            {
                _catalog.Deliver(message); // to the next activation (or refused, if the silo is stopping)
            }
        }
    }

    // Work starts with a clean execution context: it must not inherit the AsyncLocals of whatever request admitted it.
    private void RunOnScheduler(Action<object?> action, object state)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            Task.Factory.StartNew(action, state, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Scheduler);
            return;
        }

        using (ExecutionContext.SuppressFlow())
        {
            Task.Factory.StartNew(action, state, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Scheduler);
        }
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "Activation of {Grain} failed.")]
    private static partial void LogActivationFailed(ILogger logger, Exception exception, GrainId grain);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "OnDeactivateAsync of {Grain} failed.")]
    private static partial void LogDeactivationFailed(ILogger logger, Exception exception, GrainId grain);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Debug, Message = "Deactivated {Grain} ({Reason}).")]
    private static partial void LogDeactivated(ILogger logger, GrainId grain, DeactivationReason reason);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Dropped the expired request {Message}.")]
    private static partial void LogExpired(ILogger logger, Message message);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "{Message} failed and has no caller to report to.")]
    private static partial void LogUnreportedFailure(ILogger logger, Exception exception, Message message);
}
