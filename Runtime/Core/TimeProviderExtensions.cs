namespace Optimus.Runtime;

/// <summary>Deadlines as <see cref="TimeProvider"/> timestamps, the one way the runtime measures time.</summary>
internal static class TimeProviderExtensions
{
    /// <summary>The timestamp <paramref name="after"/> from now; 0 (never) for an infinite span.</summary>
    public static long Deadline(this TimeProvider time, TimeSpan after) =>
        after == Timeout.InfiniteTimeSpan || after == TimeSpan.MaxValue
            ? 0
            : time.GetTimestamp() + (long)(after.TotalSeconds * time.TimestampFrequency);

    /// <summary>A span as a number of timestamp ticks.</summary>
    public static long ToTimestampTicks(this TimeProvider time, TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
}
