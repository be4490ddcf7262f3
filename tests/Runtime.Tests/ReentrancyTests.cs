using Optimus.Runtime.Tests.Grains;
using Optimus.Runtime.Tests.Support;
using Xunit;

namespace Optimus.Runtime.Tests;

/// <summary>A → B → A: completes when the call chain may re-enter A, and otherwise fails by timeout with a clear error.</summary>
public sealed class ReentrancyTests
{
    [Fact]
    public async Task CallChain_ReentersTheCaller_WhenAllowed()
    {
        await using var cluster = await Silos.StartAsync();
        var a = cluster.Client.GetGrain<IChainGrain>("a-" + Silos.NewKey());
        var b = cluster.Client.GetGrain<IChainGrain>("b-" + Silos.NewKey());

        var answer = await a.CallOther(b, allowReentrancy: true);

        Assert.StartsWith("b-", answer, StringComparison.Ordinal);
        Assert.Contains("pong from a-", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrainCallingItself_CompletesWhenAllowed()
    {
        await using var cluster = await Silos.StartAsync();
        var a = cluster.Client.GetGrain<IChainGrain>(Silos.NewKey());

        Assert.StartsWith("pong", await a.CallSelf(allowReentrancy: true), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallChain_WithoutReentrancy_TimesOut_NamingTheDeadlock()
    {
        await using var cluster = await Silos.StartAsync(Silos.FastTimeouts);
        var aKey = "a-" + Silos.NewKey();
        var a = cluster.Client.GetGrain<IChainGrain>(aKey);
        var b = cluster.Client.GetGrain<IChainGrain>("b-" + Silos.NewKey());

        var failure = await Assert.ThrowsAsync<RequestTimeoutException>(() => a.CallOther(b, allowReentrancy: false));

        Assert.Contains($"chain/{aKey}.IChainGrain.Ping", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"Call path: chain/{aKey}.IChainGrain.CallOther → chain/b-", failure.Message, StringComparison.Ordinal);
        Assert.Contains("reentrancy deadlock", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"chain/{aKey} is busy with IChainGrain.CallOther", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrainCallingItself_WithoutReentrancy_TimesOut()
    {
        await using var cluster = await Silos.StartAsync(Silos.FastTimeouts);
        var a = cluster.Client.GetGrain<IChainGrain>(Silos.NewKey());

        var failure = await Assert.ThrowsAsync<RequestTimeoutException>(() => a.CallSelf(allowReentrancy: false));
        Assert.Contains("reentrancy deadlock", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherCallers_StillWait_WhileACallChainIsOpen()
    {
        await using var cluster = await Silos.StartAsync();
        var bKey = "b-" + Silos.NewKey();
        var a = cluster.Client.GetGrain<IChainGrain>("a-" + Silos.NewKey());
        var b = cluster.Client.GetGrain<IChainGrain>(bKey);

        var chain = a.CallOtherGated(b, "gate");
        await Eventually.True(() => Probe.For(bKey).Current == 1, "B to be called by A");
        var outsider = a.PingPatiently(); // not of the chain: must wait for A's CallOtherGated (1 s of Ping is too tight on a busy machine)
        await Task.Delay(200);
        Assert.False(outsider.IsCompleted);

        Probe.For(bKey).Open("gate"); // B's Ping re-enters A through the chain; then the outsider gets its turn
        Assert.Contains("pong", await chain, StringComparison.Ordinal);
        Assert.Contains("pong", await outsider, StringComparison.Ordinal);
    }
}
