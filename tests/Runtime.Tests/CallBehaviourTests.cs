using Optimus.Runtime.Tests.Grains;
using Optimus.Runtime.Tests.Support;
using Xunit;

namespace Optimus.Runtime.Tests;

/// <summary>Timeouts, exceptions, one-way calls, the copy boundary, request context and return shapes.</summary>
public sealed class CallBehaviourTests
{
    [Fact]
    public async Task SlowCall_FailsWithTimeout_NamingGrainAndMethod()
    {
        await using var cluster = await Silos.StartAsync(Silos.FastTimeouts);
        var key = Silos.NewKey();
        var grain = cluster.Client.GetGrain<IBehaviourGrain>(key);

        var failure = await Assert.ThrowsAsync<RequestTimeoutException>(() => grain.Sleep(TimeSpan.FromSeconds(10)));

        Assert.Contains($"behaviour/{key}.IBehaviourGrain.Sleep", failure.Message, StringComparison.Ordinal);
        Assert.Contains("timed out after 1 s", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DefaultTimeout_ComesFromMessagingOptions()
    {
        await using var cluster = await Silos.StartAsync(silo => silo.Configure<MessagingOptions>(o =>
        {
            o.ResponseTimeout = TimeSpan.FromMilliseconds(300);
            o.TimeoutSweepPeriod = TimeSpan.FromMilliseconds(50);
        }));
        var key = Silos.NewKey();
        var grain = cluster.Client.GetGrain<ISchedulingGrain>(key);

        var held = grain.Hold("never");
        var failure = await Assert.ThrowsAsync<RequestTimeoutException>(() => held);
        Assert.Contains("timed out after 0.3 s", failure.Message, StringComparison.Ordinal);
        Probe.For(key).Open("never");
    }

    [Theory]
    [InlineData("invalid", typeof(InvalidOperationException))]
    [InlineData("custom", typeof(CustomGrainException))]
    [InlineData("argument-null", typeof(ArgumentNullException))]
    public async Task GrainException_ReachesCaller_WithTypeAndMessage(string kind, Type expected)
    {
        await using var cluster = await Silos.StartAsync();
        var grain = cluster.Client.GetGrain<IBehaviourGrain>(Silos.NewKey());

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => grain.Fail(kind, "it broke: 42"));

        Assert.IsType(expected, failure);
        Assert.StartsWith("it broke: 42", failure.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(BehaviourGrain), failure.StackTrace, StringComparison.Ordinal); // the grain's stack came along
    }

    [Fact]
    public async Task ExceptionData_WithStringValues_TravelsWithTheException()
    {
        await using var cluster = await Silos.StartAsync();
        var grain = cluster.Client.GetGrain<IBehaviourGrain>(Silos.NewKey());

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Fail("coded", "exists"));

        Assert.Equal("dataset-exists", failure.Data["code"]);
        Assert.False(failure.Data.Contains("ignored")); // not a string: stays behind
    }

    [Fact]
    public async Task ExceptionTheCallerCannotRecreate_ArrivesAsGrainException_NamingTheOriginalType()
    {
        await using var cluster = await Silos.StartAsync();
        var grain = cluster.Client.GetGrain<IBehaviourGrain>(Silos.NewKey());

        var failure = await Assert.ThrowsAsync<GrainException>(() => grain.Fail("opaque", ""));

        Assert.Equal(typeof(OpaqueException).FullName, failure.OriginalTypeName);
        Assert.Equal("opaque failure 42", failure.Message);
    }

    [Fact]
    public async Task GrainStaysUsable_AfterAnException()
    {
        await using var cluster = await Silos.StartAsync();
        var grain = cluster.Client.GetGrain<IBehaviourGrain>(Silos.NewKey());

        Assert.Equal(1, await grain.Count());
        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Fail("invalid", "x"));
        Assert.Equal(2, await grain.Count()); // same activation, state kept
    }

    [Fact]
    public async Task OneWayCall_CompletesBeforeTheGrainRuns_AndItsFailureStaysWithTheGrain()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        var probe = Probe.For(key);
        var grain = cluster.Client.GetGrain<IBehaviourGrain>(key);

        await grain.FireAndForget("gate"); // returns although the grain waits for the gate
        Assert.Equal(0, probe.Count("fired"));
        probe.Open("gate");
        await Eventually.True(() => probe.Count("fired") == 1, "the one-way call to run");

        await grain.FireAndFail(); // no exception reaches the caller
        await Eventually.True(() => probe.Count("failing") == 1, "the failing one-way call to run");
        Assert.Equal(1, await grain.Count());
    }

    [Fact]
    public async Task MutableArguments_AndResults_AreCopied()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        var grain = cluster.Client.GetGrain<IBehaviourGrain>(key);
        var mine = new Payload { Name = "mine", Values = [1] };

        var result = await grain.Mutate(mine);

        Assert.Equal([1], mine.Values); // the grain changed its own copy
        Assert.Equal([1, 99], result.Values);
        Assert.NotSame(mine, Assert.Single(Probe.For(key).Arguments));
        result.Values.Add(7);
        Assert.Equal([1, 99], (await grain.GetKept()).Values); // the grain's kept object is untouched
    }

    [Fact]
    public async Task ImmutableArguments_PassByReference()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();
        var grain = cluster.Client.GetGrain<IBehaviourGrain>(key);
        var payload = new ImmutablePayload("shared");

        var result = await grain.Keep(payload);

        Assert.Same(payload, Assert.Single(Probe.For(key).Arguments));
        Assert.Same(payload, result);
    }

    [Fact]
    public async Task RequestContext_TravelsToTheGrain_AndOnToTheGrainsItCalls()
    {
        await using var cluster = await Silos.StartAsync();
        var first = cluster.Client.GetGrain<IBehaviourGrain>(Silos.NewKey());
        var second = cluster.Client.GetGrain<IBehaviourGrain>(Silos.NewKey());

        RequestContext.Set("trace", "t-123");
        try
        {
            Assert.Equal("t-123", await first.ReadContext("trace", null));
            Assert.Equal("t-123", await first.ReadContext("trace", second));
            Assert.Null(await first.ReadContext("other", null));
        }
        finally
        {
            RequestContext.Clear();
        }

        Assert.Null(await first.ReadContext("trace", null));
    }

    [Fact]
    public async Task ValueTaskMethods_Work()
    {
        await using var cluster = await Silos.StartAsync();
        var grain = cluster.Client.GetGrain<IBehaviourGrain>(Silos.NewKey());

        Assert.Equal(1, await grain.CountValueTask());
        await grain.NoResultValueTask();
        Assert.Equal(2, await grain.CountValueTask());
    }

    [Fact]
    public async Task GrainReferences_AreEqualByIdentity_AndCreatedWithoutActivating()
    {
        await using var cluster = await Silos.StartAsync();
        var key = Silos.NewKey();

        var one = cluster.Client.GetGrain<IBehaviourGrain>(key);
        var two = cluster.Client.GetGrain<IBehaviourGrain>(key);

        Assert.Equal(one, two);
        Assert.Equal(one.GetHashCode(), two.GetHashCode());
        Assert.Equal($"behaviour/{key}", one.ToString());
        Assert.Equal(0, cluster.Silo.ActivationCount);
    }

    [Fact]
    public async Task GetGrain_ForAnInterfaceNoClassImplements_SaysSo()
    {
        await using var cluster = await Silos.StartAsync();

        var failure = Assert.Throws<ArgumentException>(() => cluster.Client.GetGrain<IUnimplementedGrain>("x"));
        Assert.Contains("No grain class implements", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetGrain_ForASharedBaseInterface_NamesTheCandidates()
    {
        await using var cluster = await Silos.StartAsync();

        var failure = Assert.Throws<ArgumentException>(() => cluster.Client.GetGrain<IProbeGrain>("x"));
        Assert.Contains("scheduling", failure.Message, StringComparison.Ordinal);
        Assert.Contains("reentrantscheduling", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CalleesInconsistentStateError_DoesNotDropTheCaller()
    {
        await using var cluster = await Silos.StartAsync();
        var caller = cluster.Client.GetGrain<IBehaviourGrain>(Silos.NewKey());
        var callee = cluster.Client.GetGrain<IBehaviourGrain>(Silos.NewKey());

        var first = await caller.SurviveCalleesInconsistency(callee);
        await Task.Delay(100);

        Assert.Equal(first, await caller.SurviveCalleesInconsistency(callee));
    }
}

public interface IUnimplementedGrain : IGrainWithStringKey
{
    Task Idle();
}
