using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Optimus.Runtime.Catalog;

/// <summary>
/// Deactivates activations that have been idle for their collection age. Activations sit in buckets by the time they
/// could first be due; each quantum the due buckets are emptied and every activation in them is either collected or
/// put back in the bucket of its new due time. A message costs the activation only a timestamp write.
/// </summary>
internal sealed class ActivationCollector : IDisposable
{
    private readonly ConcurrentDictionary<long, ConcurrentQueue<ActivationData>> _buckets = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _defaultAge;
    private readonly long _quantumTicks;
    private ITimer? _timer;

    public ActivationCollector(IOptions<GrainCollectionOptions> options, TimeProvider time)
    {
        _time = time;
        _defaultAge = options.Value.CollectionAge;
        var quantum = options.Value.CollectionQuantum;
        _quantumTicks = Math.Max(1, time.ToTimestampTicks(quantum));
    }

    public void Start()
    {
        var period = TimeSpan.FromSeconds((double)_quantumTicks / _time.TimestampFrequency);
        _timer = _time.CreateTimer(static state => ((ActivationCollector)state!).Collect(), this, period, period);
    }

    public void Add(ActivationData activation)
    {
        if (AgeTicks(activation) is not { } age)
        {
            return; // never collected
        }

        var due = Math.Max(activation.LastActivity + age, activation.KeepAliveUntil);
        var bucket = (due / _quantumTicks) + 1;
        _buckets.GetOrAdd(bucket, static _ => new ConcurrentQueue<ActivationData>()).Enqueue(activation);
    }

    public void Collect()
    {
        var now = _time.GetTimestamp();
        var current = now / _quantumTicks;
        foreach (var bucket in _buckets.Keys)
        {
            if (bucket > current || !_buckets.TryRemove(bucket, out var activations))
            {
                continue;
            }

            while (activations.TryDequeue(out var activation))
            {
                if (!activation.TryCollect(now, AgeTicks(activation)!.Value))
                {
                    Add(activation);
                }
            }
        }
    }

    public void Dispose() => _timer?.Dispose();

    private long? AgeTicks(ActivationData activation)
    {
        var age = activation.Class.CollectionAge ?? _defaultAge;
        return age == Timeout.InfiniteTimeSpan || age == TimeSpan.MaxValue
            ? null
            : _time.ToTimestampTicks(age);
    }
}
