namespace Optimus.Runtime;

/// <summary>Deadlines and timers on the injected <see cref="TimeProvider"/>, the one clock of the runtime.</summary>
internal static class TimeProviderExtensions
{
    /// <summary>The timestamp <paramref name="after"/> from now; 0 (never) for an infinite span.</summary>
    public static long Deadline(this TimeProvider time, TimeSpan after) =>
        after == Timeout.InfiniteTimeSpan || after == TimeSpan.MaxValue
            ? 0
            : time.GetTimestamp() + time.ToTimestampTicks(after);

    /// <summary>A span as a number of timestamp ticks.</summary>
    public static long ToTimestampTicks(this TimeProvider time, TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    /// <summary>The time left until <paramref name="deadline"/> (zero once passed).</summary>
    public static TimeSpan Remaining(this TimeProvider time, long deadline)
    {
        var left = time.GetElapsedTime(time.GetTimestamp(), deadline);
        return left < TimeSpan.Zero ? TimeSpan.Zero : left;
    }

    /// <summary>
    /// A timer whose callbacks do not run in the execution context of whoever created it: a timer made inside a
    /// grain call must not carry that call's request context, call path or call chain into every later tick.
    /// </summary>
    public static ITimer CreateTimerWithoutContext(this TimeProvider time, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            return time.CreateTimer(callback, state, dueTime, period);
        }

        using (ExecutionContext.SuppressFlow())
        {
            return time.CreateTimer(callback, state, dueTime, period);
        }
    }
}
