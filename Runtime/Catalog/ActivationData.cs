using System.Globalization;
using Microsoft.Extensions.Logging;
using Optimus.Runtime.Messaging;
using Optimus.Runtime.Scheduler;
using Optimus.Runtime.Timers;

namespace Optimus.Runtime.Catalog;

/// <summary>
/// One activation of a grain: its instance, its scheduler and its life. It is registered in the catalog before any
/// grain code runs; requests that arrive while it activates wait, and requests still waiting when it deactivates are
/// handed, in order, to its successor — never dropped. This file holds the life cycle; the message loop (which
/// requests may run, and running them) is in <c>ActivationData.Inbox.cs</c>.
/// </summary>
internal sealed partial class ActivationData : IActivationTarget
{
    private static readonly Action<object?> s_activate = static state => _ = ((ActivationData)state!).ActivateAsync();
    private static readonly Action<object?> s_deactivate = static state => _ = ((ActivationData)state!).DeactivateAsync();
    private static long s_nextId;

    [ThreadStatic]
    private static ActivationData? t_constructing;

    private readonly object _lock = new();
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Catalog _catalog;
    private List<IStateLoader>? _stateLoaders;
    private List<GrainTimer>? _timers;
    private IReadOnlyList<IIncomingGrainCallFilter> _filters = [];
    private DeactivationReason? _deactivation;
    private ActivationData? _successor;
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

    /// <summary>The collector's bucket this activation sits in (see <see cref="ActivationCollector"/>).</summary>
    public long CollectionBucket { get; set; }

    public long LastActivity => Volatile.Read(ref _lastActivity);

    public long KeepAliveUntil => Volatile.Read(ref _keepAliveUntil);

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

    /// <summary>Asks for deactivation once no request is running. Requests that arrive meanwhile wait for the successor.</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        bool start;
        lock (_lock)
        {
            start = BeginDeactivation(reason);
        }

        if (start)
        {
            RunOnScheduler(s_deactivate, this);
        }
    }

    /// <summary>Keeps the activation from idle collection for at least <paramref name="period"/>.</summary>
    public void DelayDeactivation(TimeSpan period)
    {
        var until = period <= TimeSpan.Zero ? 0 : period == Timeout.InfiniteTimeSpan ? long.MaxValue : Time.Deadline(period);
        Volatile.Write(ref _keepAliveUntil, until);
    }

    /// <summary>
    /// Collects the activation if it has been idle for its collection age, deciding and starting under one lock so
    /// that a request cannot slip in between. Returns false when it is not due, so the collector checks again later.
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

            BeginDeactivation(new DeactivationReason(DeactivationReasonCode.Idle, "idle for longer than its collection age"));
        }

        RunOnScheduler(s_deactivate, this);
        return true;
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
            if (_running.Count == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{GrainId} is {State}, {_waiting.Count} waiting");
            }

            var (oldest, started) = _running[0];
            return string.Create(CultureInfo.InvariantCulture,
                $"{GrainId} is busy with {oldest.MethodName} for {Time.GetElapsedTime(started).TotalSeconds:0.0} s, {_running.Count} running, {_waiting.Count} waiting");
        }
    }

    public override string ToString() => $"{GrainId}#{Id}";

    // Under the lock: records the reason and, when nothing runs, moves to Deactivating. True when the caller must start it.
    private bool BeginDeactivation(DeactivationReason reason)
    {
        if (State is ActivationState.Deactivating or ActivationState.Invalid)
        {
            return false;
        }

        _deactivation ??= reason;
        if (State != ActivationState.Valid || _running.Count > 0)
        {
            return false; // ActivateAsync or the last running request starts it
        }

        State = ActivationState.Deactivating;
        return true;
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

            EnterOwnContext(nameof(Grain.OnActivateAsync));
            await Grain.OnActivateAsync(_catalog.StoppingToken);
        }
#pragma warning disable CA1031 // the activation's failure is reported to every request that waited for it
        catch (Exception exception)
#pragma warning restore CA1031
        {
            FailActivation(exception);
            return;
        }

        bool deactivate;
        lock (_lock)
        {
            State = ActivationState.Valid;
            deactivate = _deactivation is { } reason && BeginDeactivation(reason);
            if (!deactivate)
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

        _catalog.OnDeactivated(this, successor: null);
        _deactivated.TrySetResult();
        _catalog.OnActivationIdle();
        foreach (var message in waiting)
        {
            if (message.LocalWork is null)
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
                EnterOwnContext(nameof(Grain.OnDeactivateAsync));
                await grain.OnDeactivateAsync(reason, timeout.Token).WaitAsync(_catalog.DeactivationTimeout, Time);
            }
#pragma warning disable CA1031 // a failing or hanging OnDeactivateAsync must not keep the activation alive
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogDeactivationFailed(_catalog.Logger, exception, GrainId);
            }
        }

        // Requests that waited go, in their order, to a successor that is registered in place of this activation, so
        // that later arrivals queue behind them. Stateless workers hand them back to their pool instead.
        List<Message> leftover = [];
        ActivationData? successor;
        lock (_lock)
        {
            successor = _waiting.Any(message => message.LocalWork is null) ? _catalog.CreateSuccessor(this) : null;
            foreach (var message in _waiting)
            {
                if (message.LocalWork is not null)
                {
                    continue; // a timer tick dies with its activation
                }

                if (successor is null)
                {
                    leftover.Add(message);
                }
                else
                {
                    successor.TryEnqueue(message);
                }
            }

            _waiting.Clear();
            _successor = successor;
            State = ActivationState.Invalid;
        }

        LogDeactivated(_catalog.Logger, GrainId, reason);
        _catalog.OnDeactivated(this, successor);
        _deactivated.TrySetResult();
        _catalog.OnActivationIdle();
        foreach (var message in leftover)
        {
            // Through the dispatcher: to another worker of the pool, to the grain's new owner, or refused if stopping.
            _catalog.MessageCenter.Redeliver(message);
        }
    }

    // Grain code runs as this grain: calls it makes are grain calls, with this grain on their call path.
    private void EnterOwnContext(string method) =>
        RequestContextData.Current = RequestContextData.Empty with { Self = new CallPathEntry(GrainId, method) };

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

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "OnDeactivateAsync of {Grain} failed or did not finish in time.")]
    private static partial void LogDeactivationFailed(ILogger logger, Exception exception, GrainId grain);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Debug, Message = "Deactivated {Grain} ({Reason}).")]
    private static partial void LogDeactivated(ILogger logger, GrainId grain, DeactivationReason reason);
}
