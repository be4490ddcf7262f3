namespace Optimus.Runtime;

/// <summary>A grain timer: not durable, gone with its activation. Dispose it to stop it.</summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>Changes when the timer next fires and its period (<see cref="Timeout.InfiniteTimeSpan"/>: once).</summary>
    void Change(TimeSpan dueTime, TimeSpan period);
}
