using Optimus.Runtime.Tests.Support;

namespace Optimus.Runtime.Tests.Grains;

public sealed class CounterState
{
    public int Value { get; set; }

    public List<string> History { get; set; } = [];

    public IBehaviourGrain? Friend { get; set; }
}

/// <summary>A grain with durable state.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment(string note);

    /// <summary>Reads the state's value, waits for the gate, then writes value + 1.</summary>
    Task<int> IncrementAfter(string gate);

    [ReadOnly]
    Task<CounterState> Get();

    [ReadOnly]
    Task<string?> GetEtag();

    Task Clear();

    Task SetFriend(IBehaviourGrain friend);

    Task<int> AskFriend();

    Task<long> GetActivationId();
}

public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Probe.For(GetPrimaryKeyString()).Record($"activated-with:{state.State.Value}");
        return Task.CompletedTask;
    }

    public async Task<int> Increment(string note)
    {
        state.State.Value++;
        state.State.History.Add(note);
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public async Task<int> IncrementAfter(string gate)
    {
        var probe = Probe.For(GetPrimaryKeyString());
        var value = state.State.Value;
        probe.Enter();
        await probe.Gate(gate);
        state.State.Value = value + 1;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<CounterState> Get() => Task.FromResult(state.State);

    public Task<string?> GetEtag() => Task.FromResult(state.Etag);

    public Task Clear() => state.ClearStateAsync();

    public Task SetFriend(IBehaviourGrain friend)
    {
        state.State.Friend = friend;
        return state.WriteStateAsync();
    }

    public Task<int> AskFriend() => state.State.Friend!.Count();

    public Task<long> GetActivationId() => Task.FromResult(Activation.Id);
}
