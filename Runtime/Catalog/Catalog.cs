using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Optimus.Runtime.Hosting;
using Optimus.Runtime.Messaging;

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
    private readonly ActivationCollector _collector;
    private volatile bool _closed;
    private volatile TaskCompletionSource? _drained;

    public Catalog(
        GrainManifest manifest,
        GrainActivator activator,
        MessageCenter messageCenter,
        ActivationCollector collector,
        IEnumerable<IIncomingGrainCallFilter> filters,
        IOptions<GrainCollectionOptions> options,
        IServiceProvider services,
        TimeProvider time,
        ILogger<Catalog> logger)
    {
        _manifest = manifest;
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
        ThrowIfClosed(pool.GrainId);
        var worker = new ActivationData(pool.GrainId, pool.Class, this, pool);
        _activations.TryAdd(worker, 0);
        return worker;
    }

    public void OnActivated(ActivationData activation) => _collector.Add(activation);

    public void OnDeactivated(ActivationData activation)
    {
        _activations.TryRemove(activation, out _);
        if (activation.Pool is { } pool)
        {
            pool.Remove(activation);
        }
        else
        {
            _targets.TryRemove(KeyValuePair.Create<GrainId, IActivationTarget>(activation.GrainId, activation));
        }
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

    /// <summary>Refuses new activations and deactivates every activation, waiting for their running requests.</summary>
    public async Task DeactivateAllAsync()
    {
        _closed = true;
        var reason = new DeactivationReason(DeactivationReasonCode.ShuttingDown, "the silo is shutting down");
        var all = _activations.Keys.ToArray();
        foreach (var activation in all)
        {
            activation.RequestDeactivation(reason);
        }

        await Task.WhenAll(all.Select(a => a.Deactivated));
        _stopping.Cancel();
    }

    public void Dispose() => _stopping.Dispose();

    private (IActivationTarget Target, ActivationData? Created) GetOrCreate(GrainId grainId)
    {
        if (_targets.TryGetValue(grainId, out var existing))
        {
            return (existing, null);
        }

        var grainClass = _manifest.FindClass(grainId.Type)
            ?? throw new ArgumentException($"This silo hosts no grain of type '{grainId.Type}' (for {grainId}).");
        ThrowIfClosed(grainId);
        IActivationTarget created = grainClass.IsStatelessWorker
            ? new StatelessWorkerPool(grainId, grainClass, this)
            : new ActivationData(grainId, grainClass, this);
        var winner = _targets.GetOrAdd(grainId, created);
        if (ReferenceEquals(winner, created) && created is ActivationData activation)
        {
            _activations.TryAdd(activation, 0);
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

    private void ThrowIfClosed(GrainId grainId)
    {
        if (_closed)
        {
            throw new SiloUnavailableException($"The silo is shutting down and activates no more grains; {grainId} was not activated.");
        }
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "Shutdown stopped waiting for {Busy} requests to finish.")]
    private static partial void LogDrainTimedOut(ILogger logger, int busy);
}
