using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Optimus.Runtime.Catalog;

/// <summary>
/// Deactivates activations that have been idle for their collection age. Activations sit in buckets by the time they
/// could first be due; each quantum the due buckets are emptied and every activation in them is either collected or
/// put back in the bucket of its new due time. A message costs the activation only a timestamp write; an activation
/// that leaves is taken out of its bucket at once, so nothing holds on to it.
/// </summary>
internal sealed class ActivationCollector : IDisposable
{
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<ActivationData, byte>> _buckets = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _defaultAge;
    private readonly TimeSpan _quantum;
    private readonly long _quantumTicks;
    private ITimer? _timer;
    private int _collecting;

    public ActivationCollector(IOptions<GrainCollectionOptions> options, TimeProvider time)
    {
        _time = time;
        _defaultAge = options.Value.CollectionAge;
        _quantum = options.Value.CollectionQuantum;
        _quantumTicks = Math.Max(1, time.ToTimestampTicks(_quantum));
    }

    public void Start() => _timer = _time.CreateTimerWithoutContext(static state => ((ActivationCollector)state!).Collect(), this, _quantum, _quantum);

    public void Add(ActivationData activation)
    {
        if (AgeTicks(activation) is not { } age)
        {
            return; // never collected
        }

        var due = Math.Max(activation.LastActivity + age, activation.KeepAliveUntil);
        var bucket = (due / _quantumTicks) + 1;
        activation.CollectionBucket = bucket;
        _buckets.GetOrAdd(bucket, static _ => new ConcurrentDictionary<ActivationData, byte>()).TryAdd(activation, 0);
    }

    public void Remove(ActivationData activation)
    {
        if (_buckets.TryGetValue(activation.CollectionBucket, out var bucket))
        {
            bucket.TryRemove(activation, out _);
        }
    }

    public void Collect()
    {
        if (Interlocked.Exchange(ref _collecting, 1) == 1)
        {
            return; // the previous pass is still running
        }

        try
        {
            var now = _time.GetTimestamp();
            var current = now / _quantumTicks;
            foreach (var key in _buckets.Keys)
            {
                if (key > current || !_buckets.TryRemove(key, out var bucket))
                {
                    continue;
                }

                foreach (var activation in bucket.Keys)
                {
                    if (!activation.TryCollect(now, AgeTicks(activation)!.Value))
                    {
                        Add(activation);
                    }
                }
            }
        }
        finally
        {
            Volatile.Write(ref _collecting, 0);
        }
    }

    public void Dispose() => _timer?.Dispose();

    private long? AgeTicks(ActivationData activation)
    {
        var age = activation.Class.CollectionAge ?? _defaultAge;
        return age == Timeout.InfiniteTimeSpan || age == TimeSpan.MaxValue ? null : _time.ToTimestampTicks(age);
    }
}
