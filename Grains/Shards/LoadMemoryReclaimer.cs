using System.Runtime;
using Microsoft.Extensions.Logging;

namespace Optimus.Grains.Shards;

/// <summary>
/// Returns the memory a load went through to the system once its shards are sealed. A load's request bodies, staging
/// records and the seal's lists are large arrays, which only a full collection frees; a silo that afterwards only serves
/// reads may not run one for hours, and keeps them resident: after a million entries, 36 MB of unrooted arrays in a
/// 180 MB process (<c>dotnet-dump</c>). One compacting collection that gives free memory back, a moment after the last
/// seal of a burst (so that a save of many shards, or of several datasets at once, causes one), took the committed heap
/// from 38-54 MB to 12-19 MB there. It pauses the silo's threads for as long as a collection of its live heap takes —
/// 8-29 ms on 2 cores, since segments live in mapped files and not on the heap — once per save. (Under read load the
/// collector grows the heap to the traffic again; this gives back what only the load needed.)
/// </summary>
internal sealed partial class LoadMemoryReclaimer : IDisposable
{
    /// <summary>How long after the last seal the collection runs.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    private readonly ITimer _timer;
    private readonly ILogger<LoadMemoryReclaimer> _logger;
    private int _reclaims;

    public LoadMemoryReclaimer(TimeProvider time, ILogger<LoadMemoryReclaimer> logger)
    {
        _logger = logger;
        _timer = time.CreateTimer(_ => Reclaim(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How many collections have run.</summary>
    public int Reclaims => Volatile.Read(ref _reclaims);

    /// <summary>A shard was sealed: (re)starts the quiet period after which the collection runs.</summary>
    public void AfterSeal() => _timer.Change(Quiet, Timeout.InfiniteTimeSpan);

    public void Dispose() => _timer.Dispose();

    private void Reclaim()
    {
        var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        var paused = GC.GetTotalPauseDuration();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Interlocked.Increment(ref _reclaims);
        var after = GC.GetGCMemoryInfo().TotalCommittedBytes;
        var pause = GC.GetTotalPauseDuration() - paused;
        LogReclaimed(before >> 20, after >> 20, pause.TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "After sealing: heap committed {Before} MB -> {After} MB, paused {PauseMs:F1} ms")]
    private partial void LogReclaimed(long before, long after, double pauseMs);
}
