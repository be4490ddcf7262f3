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
        var a = cluster.Client.GetGrain<IChainGrain>("a-" + Silos.NewKey());
        var b = cluster.Client.GetGrain<IChainGrain>("b-" + Silos.NewKey());

        // The chain re-enters A while another client's Ping queues behind the chain's outer call: both complete.
        var chain = a.CallOther(b, allowReentrancy: true);
        var outsider = a.Ping();
        await Task.WhenAll(chain, outsider);
    }
}
