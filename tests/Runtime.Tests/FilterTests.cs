using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Optimus.Runtime.Tests.Grains;
using Optimus.Runtime.Tests.Support;
using Xunit;

namespace Optimus.Runtime.Tests;

/// <summary>Incoming grain-call filters: the hook metrics and the dashboard use.</summary>
public sealed class FilterTests
{
    [Fact]
    public async Task SiloFilter_SeesEveryCall_WithGrainMethodAndArguments()
    {
        await using var cluster = await Silos.StartAsync(silo => silo.AddIncomingGrainCallFilter<RecordingFilter>());
        var key = Silos.NewKey();
        var grain = cluster.Client.GetGrain<IFilteredGrain>(key);

        Assert.Equal("HELLO", await grain.Echo("hello"));

        var seen = cluster.Services.GetServices<IIncomingGrainCallFilter>().OfType<RecordingFilter>().Single().Calls;
        Assert.Contains($"filtered/{key} Echo(hello) -> HELLO", seen);
    }

    [Fact]
    public async Task Filter_CanStopACall_WithAnException()
    {
        await using var cluster = await Silos.StartAsync(silo => silo.AddIncomingGrainCallFilter<RefusingFilter>());
        var grain = cluster.Client.GetGrain<IBehaviourGrain>(Silos.NewKey());

        var failure = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => grain.Count());
        Assert.Equal("refused by filter", failure.Message);
    }

    public sealed class RecordingFilter : IIncomingGrainCallFilter
    {
        public ConcurrentQueue<string> Calls { get; } = new();

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            await context.Invoke();
            Calls.Enqueue($"{context.GrainId} {context.InterfaceMethod.Name}({string.Join(",", context.Arguments)}) -> {context.Result}");
        }
    }

    public sealed class RefusingFilter : IIncomingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext context) => throw new UnauthorizedAccessException("refused by filter");
    }
}
