using Microsoft.Extensions.DependencyInjection;

namespace Optimus.Runtime.Tests.Grains;

/// <summary>A grain that says where it lives, and counts its calls in durable state.</summary>
public interface IPlacedGrain : IGrainWithStringKey
{
    /// <summary>The address of the silo hosting this activation.</summary>
    [ReadOnly]
    Task<string> WhereAmI();

    /// <summary>Adds one to the durable count and returns it.</summary>
    Task<int> Add();

    [ReadOnly]
    Task<int> Count();

    /// <summary>Asks another grain where it lives: a call from a grain on one silo to a grain on another.</summary>
    Task<string> AskWhere(IPlacedGrain other);

    /// <summary>Stays busy for <paramref name="duration"/>: a call still running when its silo dies.</summary>
    [AlwaysInterleave]
    Task Hold(TimeSpan duration);
}

public sealed class PlacedGrain([PersistentState("placed")] IPersistentState<CounterState> count) : Grain, IPlacedGrain
{
    public Task<string> WhereAmI() => Task.FromResult(ServiceProvider.GetRequiredService<ILocalSilo>().Address.ToString());

    public async Task<int> Add()
    {
        count.State.Value++;
        await count.WriteStateAsync();
        return count.State.Value;
    }

    public Task<int> Count() => Task.FromResult(count.State.Value);

    public Task<string> AskWhere(IPlacedGrain other) => other.WhereAmI();

    public Task Hold(TimeSpan duration) => Task.Delay(duration);
}

/// <summary>A stateless worker: it runs on whichever silo a call reaches first, so it tells which gateway a client's call took.</summary>
public interface ILocalWorkerGrain : IGrainWithStringKey
{
    [ReadOnly]
    Task<string> WhereAmI();
}

[StatelessWorker]
public sealed class LocalWorkerGrain : Grain, ILocalWorkerGrain
{
    public Task<string> WhereAmI() => Task.FromResult(ServiceProvider.GetRequiredService<ILocalSilo>().Address.ToString());
}
