using Optimus.Runtime.Tests.Support;

namespace Optimus.Runtime.Tests.Grains;

/// <summary>Methods that report their concurrency to the probe of the grain's key.</summary>
public interface IProbeGrain : IGrainWithStringKey
{
    /// <summary>Yields <paramref name="yields"/> times while "inside", and bumps an unsynchronised counter.</summary>
    Task<int> Work(int yields);

    [ReadOnly]
    Task<int> Read(int yields);

    [AlwaysInterleave]
    Task<int> Interleave(int yields);

    /// <summary>Enters and waits until the test opens <paramref name="gate"/>.</summary>
    Task Hold(string gate);

    [ReadOnly]
    Task HoldReadOnly(string gate);

    [AlwaysInterleave]
    Task HoldInterleaving(string gate);

    Task<long> GetActivationId();

    Task<bool> ResumedOnActivation();
}

public interface ISchedulingGrain : IProbeGrain;

public interface IReentrantSchedulingGrain : IProbeGrain;

public abstract class ProbeGrainBase : Grain, IProbeGrain
{
    private int _counter;

    protected Probe Probe => Probe.For(GetPrimaryKeyString());

    public async Task<int> Work(int yields)
    {
        Probe.Enter();
        try
        {
            var before = _counter;
            for (var i = 0; i < yields; i++)
            {
                await Task.Delay(1);
            }

            _counter = before + 1; // lost updates would show if two turns overlapped
            return _counter;
        }
        finally
        {
            Probe.Exit();
        }
    }

    public Task<int> Read(int yields) => Work(yields);

    public Task<int> Interleave(int yields) => Work(yields);

    public async Task Hold(string gate)
    {
        Probe.Enter();
        try
        {
            await Probe.Gate(gate);
        }
        finally
        {
            Probe.Exit();
        }
    }

    public Task HoldReadOnly(string gate) => Hold(gate);

    public Task HoldInterleaving(string gate) => Hold(gate);

    public Task<long> GetActivationId() => Task.FromResult(Activation.Id);

    public async Task<bool> ResumedOnActivation()
    {
        var scheduler = TaskScheduler.Current;
        await Task.Delay(5);
        var afterDelay = TaskScheduler.Current == scheduler;
        await Task.Yield();
        return afterDelay && TaskScheduler.Current == scheduler && scheduler != TaskScheduler.Default;
    }
}

public sealed class SchedulingGrain : ProbeGrainBase, ISchedulingGrain;

public interface ISlowStartGrain : IProbeGrain;

/// <summary>Activates only when the test opens the gate "activate", so requests queue up meanwhile.</summary>
public sealed class SlowStartGrain : ProbeGrainBase, ISlowStartGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken) => Probe.Gate("activate");
}

[Reentrant]
public sealed class ReentrantSchedulingGrain : ProbeGrainBase, IReentrantSchedulingGrain;
