using Optimus.Runtime.Tests.Grains;
using Optimus.Runtime.Tests.Support;
using Xunit;

namespace Optimus.Runtime.Tests;

/// <summary>Grain state through SQLite: loaded before activation, surviving deactivation and restarts, guarded by ETags.</summary>
public sealed class PersistenceTests
{
    [Fact]
    public async Task State_SurvivesDeactivation()
    {
        await using var cluster = await Silos.StartAsync();
        var grain = cluster.Client.GetGrain<ICounterGrain>(Silos.NewKey());
        await grain.Increment("one");
        await grain.Increment("two");
        var firstActivation = await grain.GetActivationId();

        await cluster.DeactivateAsync(grain);

        var state = await grain.Get();
        Assert.NotEqual(firstActivation, await grain.GetActivationId());
        Assert.Equal(2, state.Value);
        Assert.Equal(["activated-with:0", "activated-with:2"], Probe.For(grain.GetPrimaryKey()).Events); // loaded before OnActivateAsync
        Assert.Equal(["one", "two"], state.History);
    }

    [Fact]
    public async Task State_SurvivesASiloRestart()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        await cluster.Client.GetGrain<ICounterGrain>(key).Increment("before restart");
        var generation = cluster.Silo.Address.Generation;

        await Task.Delay(5); // a new generation needs a later millisecond
        await cluster.RestartAsync();

        Assert.NotEqual(generation, cluster.Silo.Address.Generation);
        var grain = cluster.Client.GetGrain<ICounterGrain>(key);
        Assert.Equal(1, (await grain.Get()).Value);
        Assert.Equal(2, await grain.Increment("after restart"));
    }

    [Fact]
    public async Task GrainReferences_InState_SurviveAndStillCall()
    {
        await using var cluster = await Silos.StartAsync();
        var grain = cluster.Client.GetGrain<ICounterGrain>(Silos.NewKey());
        var friend = cluster.Client.GetGrain<IBehaviourGrain>(Silos.NewKey());
        await grain.SetFriend(friend);

        await cluster.RestartAsync();

        var reloaded = cluster.Client.GetGrain<ICounterGrain>(grain.GetPrimaryKey());
        Assert.Equal(1, await reloaded.AskFriend());
        Assert.Equal(friend, (await reloaded.Get()).Friend);
    }

    [Fact]
    public async Task ClearedState_StartsAgainFromNew()
    {
        await using var cluster = await Silos.StartAsync();
        var grain = cluster.Client.GetGrain<ICounterGrain>(Silos.NewKey());
        await grain.Increment("x");

        await grain.Clear();
        await cluster.DeactivateAsync(grain);

        Assert.Equal(0, (await grain.Get()).Value);
        Assert.Equal(1, await grain.Increment("y"));
    }

    [Fact]
    public async Task StaleEtagWrite_IsRefused_AndTheNextCallReloads()
    {
        await using var first = await Silos.StartAsync();
        await using var second = await Silos.StartAsync(dataDirectory: first.DataDirectory); // another silo, same store
        var key = Silos.NewKey();

        Assert.Equal(1, await first.Client.GetGrain<ICounterGrain>(key).Increment("first"));
        Assert.Equal(2, await second.Client.GetGrain<ICounterGrain>(key).Increment("second")); // loads etag 1, writes 2

        // The first silo's activation still holds etag 1: its write is refused and changes nothing.
        var stale = first.Client.GetGrain<ICounterGrain>(key);
        var failure = await Assert.ThrowsAsync<InconsistentStateException>(() => stale.Increment("stale"));
        Assert.Contains("expected ETag '1'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("the store has '2'", failure.Message, StringComparison.Ordinal);

        // The refused activation was dropped: the next call reloads the current state.
        Assert.Equal(3, await stale.Increment("reloaded"));
        Assert.Equal(["first", "second", "reloaded"], (await stale.Get()).History);
    }

    [Fact]
    public async Task StaleEtagClear_IsRefused_AndTheNextCallReloads()
    {
        await using var first = await Silos.StartAsync();
        await using var second = await Silos.StartAsync(dataDirectory: first.DataDirectory);
        var key = Silos.NewKey();
        var stale = first.Client.GetGrain<ICounterGrain>(key);
        await stale.Increment("first");
        await second.Client.GetGrain<ICounterGrain>(key).Increment("second");

        await Assert.ThrowsAsync<InconsistentStateException>(() => stale.Clear());

        Assert.Equal(2, (await stale.Get()).Value); // reloaded, and the clear changed nothing
    }

    [Fact]
    public async Task FailedWrite_DropsTheActivation_SoItsUnsavedChangeIsForgotten()
    {
        await using var cluster = await Silos.StartAsync(silo => silo.Configure<SqliteStorageOptions>(o => o.BusyTimeout = TimeSpan.FromSeconds(1)));
        var grain = cluster.Client.GetGrain<ICounterGrain>(Silos.NewKey());
        await grain.Increment("stored");

        await using (var blocker = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(cluster.DataDirectory, "silo.db")};Pooling=False"))
        {
            await blocker.OpenAsync();
            await using var exclusive = blocker.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE";
            await exclusive.ExecuteNonQueryAsync();
            await Assert.ThrowsAsync<StorageUnavailableException>(() => grain.Increment("never stored"));
        }

        var state = await grain.Get(); // a new activation, reloaded: the failed increment is gone
        Assert.Equal(1, state.Value);
        Assert.Equal(["stored"], state.History);
    }

    [Fact]
    public async Task TwoActivationsRacingOnOneState_OnlyOneWriteWins()
    {
        await using var first = await Silos.StartAsync();
        await using var second = await Silos.StartAsync(dataDirectory: first.DataDirectory);
        var key = Silos.NewKey();
        var probe = Probe.For(key);

        var one = first.Client.GetGrain<ICounterGrain>(key).IncrementAfter("go");
        var two = second.Client.GetGrain<ICounterGrain>(key).IncrementAfter("go");
        await Eventually.True(() => probe.Current == 2, "both activations to read the state");
        probe.Open("go");

        var outcomes = await Task.WhenAll(Outcome(one), Outcome(two));
        Assert.Single(outcomes, o => o == "1");
        Assert.Single(outcomes, o => o == nameof(InconsistentStateException));
        await using var third = await Silos.StartAsync(dataDirectory: first.DataDirectory);
        Assert.Equal(1, (await third.Client.GetGrain<ICounterGrain>(key).Get()).Value);

        static async Task<string> Outcome(Task<int> call)
        {
            try
            {
                return (await call).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (InconsistentStateException)
            {
                return nameof(InconsistentStateException);
            }
        }
    }

    [Fact]
    public async Task MissingStorage_FailsActivation_WithAClearError()
    {
        await using var bare = new Testing.TestCluster(silo => silo.AddGrains(typeof(Silos).Assembly));
        await bare.StartAsync();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => bare.Client.GetGrain<ICounterGrain>("x").Get());
        Assert.Contains("no grain storage named 'Default'", failure.Message, StringComparison.Ordinal);
    }
}
