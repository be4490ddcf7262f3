using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using System.Diagnostics.Metrics;
using Optimus.Runtime.Diagnostics;
using Optimus.Runtime.Hosting;
using Optimus.Runtime.Messaging;
using Optimus.Runtime.Placement;

namespace Optimus.Runtime.Catalog;

/// <summary>
/// The activations of this silo by grain id: finds the target of each request, creating and registering the activation
/// before any grain code runs, so there is at most one per grain id (or one pool of stateless workers). Also drains and
/// deactivates everything when the silo stops.
/// </summary>
internal sealed partial class Catalog : IActivationDiagnostics, IDisposable
{
    private readonly ConcurrentDictionary<GrainId, IActivationTarget> _targets = new();
    private readonly ConcurrentDictionary<ActivationData, byte> _activations = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly GrainManifest _manifest;
    private readonly GrainPlacement _placement;
    private readonly ActivationCollector _collector;
    private volatile bool _closed;
    private volatile TaskCompletionSource? _drained;

    public Catalog(
        GrainManifest manifest,
        GrainPlacement placement,
        GrainActivator activator,
        MessageCenter messageCenter,
        ActivationCollector collector,
        IEnumerable<IIncomingGrainCallFilter> filters,
        IOptions<GrainCollectionOptions> options,
        IServiceProvider services,
        IMeterFactory meters,
        TimeProvider time,
        ILogger<Catalog> logger)
    {
        Metrics = new SiloMetrics(meters, () => _activations.Count);
        _manifest = manifest;
        _placement = placement;
        _collector = collector;
        Activator = activator;
        MessageCenter = messageCenter;
        Filters = [.. filters];
        DeactivationTimeout = options.Value.DeactivationTimeout;
        Services = services;
        Time = time;
        Logger = logger;
    }

    public GrainActivator Activator { get; }

    public MessageCenter MessageCenter { get; }

    public IReadOnlyList<IIncomingGrainCallFilter> Filters { get; }

    public TimeSpan DeactivationTimeout { get; }

    public IServiceProvider Services { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public SiloMetrics Metrics { get; }

    /// <summary>Cancelled once the silo has deactivated everything on shutdown.</summary>
    public CancellationToken StoppingToken => _stopping.Token;

    public int Count => _activations.Count;

    /// <summary>Hands a request to its activation, creating it if needed. Never throws: a failure goes back to the caller.</summary>
    public void Deliver(Message message)
    {
        try
        {
            while (true)
            {
                var (target, created) = GetOrCreate(message.TargetGrain);
                if (target.TryEnqueue(message))
                {
                    // Started only now, so that the request that caused the activation sees its outcome, even a failure.
                    created?.Start();
                    return;
                }

                // The activation deactivated between lookup and enqueue: forget it and try the next one.
                _targets.TryRemove(KeyValuePair.Create(message.TargetGrain, target));
            }
        }
#pragma warning disable CA1031 // whatever prevents delivery is the caller's answer
        catch (Exception exception)
#pragma warning restore CA1031
        {
            MessageCenter.Reject(message, exception);
        }
    }

    /// <summary>Creates a stateless worker for <paramref name="pool"/>; the pool starts it once it has its first request.</summary>
    public ActivationData CreateWorker(StatelessWorkerPool pool)
    {
        var worker = new ActivationData(pool.GrainId, pool.Class, this, pool);
        Register(worker);
        return worker;
    }

    public void OnActivated(ActivationData activation) => _collector.Add(activation);

    /// <summary>
    /// A fresh activation to take over the requests still waiting in <paramref name="predecessor"/>; null for a
    /// stateless worker (its pool hands them to another worker) or when the silo is stopping (they are refused).
    /// </summary>
    public ActivationData? CreateSuccessor(ActivationData predecessor) =>
        predecessor.Pool is null && !_closed && _placement.IsLocal(predecessor.GrainId)
            ? new ActivationData(predecessor.GrainId, predecessor.Class, this)
            : null;

    /// <summary>The ring changed: activations of grains another silo now owns leave, and their waiting requests follow them.</summary>
    public void OnPlacementChanged()
    {
        var moved = new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "its grain is now placed on another silo");
        foreach (var activation in _activations.Keys)
        {
            if (activation.Pool is null && !_placement.IsLocal(activation.GrainId))
            {
                activation.RequestDeactivation(moved);
            }
        }
    }

    /// <summary>Forgets a deactivated activation; its successor, if any, takes its place and starts.</summary>
    public void OnDeactivated(ActivationData activation, ActivationData? successor)
    {
        _activations.TryRemove(activation, out _);
        _collector.Remove(activation);
        if (activation.Pool is { } pool)
        {
            if (pool.Remove(activation))
            {
                _targets.TryRemove(KeyValuePair.Create<GrainId, IActivationTarget>(pool.GrainId, pool));
            }

            return;
        }

        if (successor is null)
        {
            _targets.TryRemove(KeyValuePair.Create<GrainId, IActivationTarget>(activation.GrainId, activation));
            return;
        }

        // Requests reaching the old activation are forwarded to the successor, so nobody removes the old one
        // from the map meanwhile and this swap cannot miss.
        _activations.TryAdd(successor, 0);
        _targets.TryUpdate(activation.GrainId, successor, activation);
        successor.Start();
    }

    /// <summary>The activations of a grain id (several for a stateless worker), for management and tests.</summary>
    public IReadOnlyList<ActivationData> Find(GrainId grainId) => _targets.GetValueOrDefault(grainId) switch
    {
        ActivationData activation => [activation],
        StatelessWorkerPool pool => pool.Workers,
        _ => [],
    };

    public string? Describe(GrainId grain) => _targets.GetValueOrDefault(grain) switch
    {
        ActivationData activation => activation.Describe(),
        StatelessWorkerPool pool => $"{pool.Workers.Count} stateless workers of {grain}",
        _ => null,
    };

    /// <summary>Deactivates a grain's activations and waits until they are gone.</summary>
    public Task DeactivateAsync(GrainId grainId, DeactivationReason reason)
    {
        var activations = Find(grainId);
        foreach (var activation in activations)
        {
            activation.RequestDeactivation(reason);
        }

        return Task.WhenAll(activations.Select(a => a.Deactivated));
    }

    /// <summary>Waits until no activation has a request running or waiting, or the time is up.</summary>
    public async Task<bool> DrainAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var expired = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var deadline = Task.Delay(timeout, Time, expired.Token);
        while (true)
        {
            var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _drained = drained;
            var busy = BusyCount();
            if (busy == 0)
            {
                break;
            }

            if (await Task.WhenAny(drained.Task, deadline) == deadline)
            {
                LogDrainTimedOut(Logger, BusyCount());
                _drained = null;
                return false;
            }
        }

        _drained = null;
        await expired.CancelAsync();
        return true;
    }

    /// <summary>An activation has no request left: if the silo is draining, it may be done.</summary>
    public void OnActivationIdle()
    {
        if (_drained is { } drained && BusyCount() == 0)
        {
            drained.TrySetResult();
        }
    }

    /// <summary>
    /// Refuses new activations and deactivates every activation, waiting for their running requests, until none is
    /// left or <paramref name="timeout"/> passes. Returns false when some activation did not finish in time.
    /// </summary>
    public async Task<bool> DeactivateAllAsync(TimeSpan timeout)
    {
        _closed = true;
        var reason = new DeactivationReason(DeactivationReasonCode.ShuttingDown, "the silo is shutting down");
        var deadline = Task.Delay(timeout, Time);
        var done = true;
        while (!_activations.IsEmpty)
        {
            // Loop: an activation registered just before the catalog closed is deactivated in the next round.
            var all = _activations.Keys.ToArray();
            foreach (var activation in all)
            {
                activation.RequestDeactivation(reason);
            }

            if (await Task.WhenAny(Task.WhenAll(all.Select(a => a.Deactivated)), deadline) == deadline)
            {
                LogDeactivationTimedOut(Logger, _activations.Count);
                done = false;
                break;
            }
        }

        await _stopping.CancelAsync();
        return done;
    }

    public void Dispose()
    {
        _stopping.Dispose();
        Metrics.Dispose();
    }

    private (IActivationTarget Target, ActivationData? Created) GetOrCreate(GrainId grainId)
    {
        if (_targets.TryGetValue(grainId, out var existing))
        {
            return (existing, null);
        }

        var grainClass = _manifest.FindClass(grainId.Type)
            ?? throw new ArgumentException($"This silo hosts no grain of type '{grainId.Type}' (for {grainId}).");
        IActivationTarget created = grainClass.IsStatelessWorker
            ? new StatelessWorkerPool(grainId, grainClass, this)
            : new ActivationData(grainId, grainClass, this);
        var winner = _targets.GetOrAdd(grainId, created);
        if (ReferenceEquals(winner, created) && created is ActivationData activation)
        {
            try
            {
                Register(activation);
            }
            catch (SiloUnavailableException)
            {
                _targets.TryRemove(KeyValuePair.Create(grainId, created));
                throw;
            }

            return (activation, activation);
        }

        return (winner, null);
    }

    private int BusyCount()
    {
        var busy = 0;
        foreach (var activation in _activations.Keys)
        {
            busy += activation.Load;
        }

        return busy;
    }

    // Registered before any grain code runs; checked after registering, so that an activation cannot slip in
    // unseen while DeactivateAllAsync takes its snapshot.
    private void Register(ActivationData activation)
    {
        _activations.TryAdd(activation, 0);
        if (_closed)
        {
            _activations.TryRemove(activation, out _);
            throw new SiloUnavailableException(
                $"The silo is shutting down and activates no more grains; {activation.GrainId} was not activated.");
        }
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "Shutdown stopped waiting for {Busy} requests to finish.")]
    private static partial void LogDrainTimedOut(ILogger logger, int busy);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Shutdown stopped waiting for {Count} activations to deactivate.")]
    private static partial void LogDeactivationTimedOut(ILogger logger, int count);
}
