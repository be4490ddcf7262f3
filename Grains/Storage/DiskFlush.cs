namespace Optimus.Grains.Storage;

/// <summary>
/// Waits for written data to reach the disk (fsync) on threads of its own, so that a grain's turn awaits its flush
/// instead of blocking a thread of the pool that runs the turns. The pool keeps about a thread per core and adds one
/// only when queued work makes no progress for a while, so a thread blocked in a flush (about 1 ms for a staging
/// record, 8-15 ms for a segment, on the test machine) left its core idle meanwhile (BENCHMARKS.md, "Flushes on the
/// thread pool"). Flushes of different files run at once, up to <see cref="Threads"/>; the threads start with the
/// first flush and sleep while there is none. Not made here yet: the flushes of directories as they are created
/// (<see cref="DirectorySync.CreateDurably"/>, once per version), and SQLite's commits.
/// </summary>
internal static class DiskFlush
{
    /// <summary>How many flushes run at once.</summary>
    public const int Threads = 4;

    private static readonly Queue<Flush> Pending = Start();

    /// <summary>Flushes what was written to <paramref name="file"/>, through its buffer, to disk; completes once it is there.</summary>
    public static Task FileAsync(FileStream file) => Enqueue(static state => ((FileStream)state).Flush(flushToDisk: true), file);

    /// <summary>Flushes <paramref name="directory"/>'s entries to disk (see <see cref="DirectorySync.Flush"/>); completes once they are there.</summary>
    public static Task DirectoryAsync(string directory) => Enqueue(static state => DirectorySync.Flush((string)state), directory);

    private static Task Enqueue(Action<object> flush, object target)
    {
        var work = new Flush(flush, target);
        lock (Pending)
        {
            Pending.Enqueue(work);
            Monitor.Pulse(Pending);
        }

        return work.Task;
    }

    // The threads wait with Monitor.Wait, which sleeps at once: a blocking collection's wait spun (sched_yield) first,
    // and took 4% of the silo's CPU under a load, on the cores the load needed.
    private static Queue<Flush> Start()
    {
        var pending = new Queue<Flush>();
        for (var i = 0; i < Threads; i++)
        {
            new Thread(() =>
            {
                while (true)
                {
                    Flush work;
                    lock (pending)
                    {
                        while (pending.Count == 0)
                        {
                            Monitor.Wait(pending);
                        }

                        work = pending.Dequeue();
                    }

                    work.Run();
                }
            })
            { IsBackground = true, Name = "Optimus disk flush" }.Start();
        }

        return pending;
    }

    // A flush to make, and its outcome. Continuations run where their awaiter came from (a grain's scheduler, the
    // pool), never on a flush thread.
    private sealed class Flush(Action<object> flush, object target) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public void Run()
        {
            try
            {
                flush(target);
                SetResult();
            }
#pragma warning disable CA1031 // the flush's failure is its awaiter's: IO errors, a disposed file
            catch (Exception exception)
#pragma warning restore CA1031
            {
                SetException(exception);
            }
        }
    }
}
