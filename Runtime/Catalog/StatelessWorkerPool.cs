using Optimus.Runtime.Messaging;

namespace Optimus.Runtime.Catalog;

/// <summary>
/// The local activations of one stateless worker grain id. A request goes to an idle worker; when none is idle and the
/// pool is below its limit, to a new worker; otherwise to the least loaded one. When its last worker leaves, the pool
/// closes and the catalog forgets it.
/// </summary>
internal sealed class StatelessWorkerPool(GrainId grainId, GrainClassInfo grainClass, Catalog catalog) : IActivationTarget
{
    private readonly List<ActivationData> _workers = [];
    private bool _closed;

    public GrainId GrainId { get; } = grainId;

    public GrainClassInfo Class { get; } = grainClass;

    public IReadOnlyList<ActivationData> Workers
    {
        get
        {
            lock (_workers)
            {
                return [.. _workers];
            }
        }
    }

    public bool TryEnqueue(Message message)
    {
        while (true)
        {
            if (Choose() is not var (worker, created))
            {
                return false; // closed: the catalog makes a new pool
            }

            if (worker.TryEnqueue(message))
            {
                if (created)
                {
                    worker.Start();
                }

                return true;
            }

            Remove(worker);
        }
    }

    /// <summary>Removes a worker; true when it was the last, and the pool is closed (the catalog then forgets it).</summary>
    public bool Remove(ActivationData worker)
    {
        lock (_workers)
        {
            _workers.Remove(worker);
            _closed = _workers.Count == 0;
            return _closed;
        }
    }

    private (ActivationData Worker, bool Created)? Choose()
    {
        lock (_workers)
        {
            if (_closed)
            {
                return null;
            }

            ActivationData? leastLoaded = null;
            var least = int.MaxValue;
            foreach (var worker in _workers)
            {
                if (worker.IsIdle)
                {
                    return (worker, false);
                }

                var load = worker.Load;
                if (load < least)
                {
                    least = load;
                    leastLoaded = worker;
                }
            }

            if (leastLoaded is null || _workers.Count < Class.MaxLocalWorkers)
            {
                var created = catalog.CreateWorker(this);
                _workers.Add(created);
                return (created, true);
            }

            return (leastLoaded, false);
        }
    }
}
