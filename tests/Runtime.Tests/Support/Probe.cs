using System.Collections.Concurrent;

namespace Optimus.Runtime.Tests.Support;

/// <summary>
/// What test grains report to the test: how many of their calls run at once (and the most that ever did), events,
/// and gates the test opens. One probe per grain key, so parallel tests never share one.
/// </summary>
public sealed class Probe
{
    private static readonly ConcurrentDictionary<string, Probe> s_probes = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();
    private int _current;
    private int _max;

    public static Probe For(string key) => s_probes.GetOrAdd(key, _ => new Probe());

    public int Current => Volatile.Read(ref _current);

    public int Max => Volatile.Read(ref _max);

    public ConcurrentQueue<string> Events { get; } = new();

    public ConcurrentBag<object?> Arguments { get; } = [];

    public void Enter()
    {
        var now = Interlocked.Increment(ref _current);
        int max;
        while (now > (max = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, max) != max)
        {
        }
    }

    public void Exit() => Interlocked.Decrement(ref _current);

    public void Record(string @event) => Events.Enqueue(@event);

    public int Count(string @event) => Events.Count(e => e == @event);

    public Task Gate(string name) => _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Open(string name) => _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
