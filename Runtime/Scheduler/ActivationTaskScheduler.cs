using Optimus.Runtime.Catalog;

namespace Optimus.Runtime.Scheduler;

/// <summary>
/// Runs one activation's tasks one at a time on the thread pool. Because grain code runs inside tasks scheduled
/// here, every <c>await</c> in it captures this scheduler and resumes on the activation: that is what makes a turn a
/// turn. (<c>ConfigureAwait(false)</c> and <c>Task.Run</c> leave the activation; grain code must not use them to touch
/// grain state.)
/// </summary>
internal sealed class ActivationTaskScheduler(ActivationData activation) : TaskScheduler, IThreadPoolWorkItem
{
    /// <summary>How many tasks one pass runs before giving the thread back, so that one busy grain cannot starve others.</summary>
    private const int TurnsPerPass = 64;

    [ThreadStatic]
    private static ActivationTaskScheduler? t_running;

    private readonly Queue<Task> _queue = new();
    private bool _scheduled;

    /// <summary>The activation whose task this thread is running, if any.</summary>
    public static ActivationData? CurrentActivation => t_running?.Activation;

    public ActivationData Activation { get; } = activation;

    public override int MaximumConcurrencyLevel => 1;

    void IThreadPoolWorkItem.Execute()
    {
        t_running = this;
        try
        {
            for (var i = 0; i < TurnsPerPass; i++)
            {
                Task? next;
                lock (_queue)
                {
                    if (!_queue.TryDequeue(out next))
                    {
                        _scheduled = false;
                        return;
                    }
                }

                TryExecuteTask(next);
            }

            lock (_queue)
            {
                if (_queue.Count == 0)
                {
                    _scheduled = false;
                    return;
                }
            }

            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        finally
        {
            t_running = null;
        }
    }

    protected override void QueueTask(Task task)
    {
        lock (_queue)
        {
            _queue.Enqueue(task);
            if (_scheduled)
            {
                return;
            }

            _scheduled = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
    }

    // Inline only on a thread that is already running this activation's turn: it stays one turn at a time.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        t_running == this && !taskWasPreviouslyQueued && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_queue)
        {
            return [.. _queue];
        }
    }
}
