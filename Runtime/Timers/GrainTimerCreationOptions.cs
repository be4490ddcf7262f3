namespace Optimus.Runtime;

/// <summary>How a grain timer fires.</summary>
public readonly record struct GrainTimerCreationOptions
{
    /// <summary>Fires first after <paramref name="dueTime"/>, then every <paramref name="period"/>.</summary>
    public GrainTimerCreationOptions(TimeSpan dueTime, TimeSpan period)
    {
        DueTime = dueTime;
        Period = period;
    }

    /// <summary>When the timer first fires.</summary>
    public TimeSpan DueTime { get; init; }

    /// <summary>The time between the end of one callback and the next firing; <see cref="Timeout.InfiniteTimeSpan"/> fires once.</summary>
    public TimeSpan Period { get; init; }

    /// <summary>
    /// False (the default): a tick is a turn like a request and waits for running requests. True: it interleaves with
    /// them, as an <see cref="AlwaysInterleaveAttribute"/> method would.
    /// </summary>
    public bool Interleave { get; init; }

    /// <summary>True: ticks count as activity and keep the grain from idle collection. False (the default): they do not.</summary>
    public bool KeepAlive { get; init; }
}
