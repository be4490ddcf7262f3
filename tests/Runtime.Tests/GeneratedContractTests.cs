using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Optimus.Runtime.Catalog;
using Optimus.Runtime.Invocation;
using Optimus.Runtime.Serialization;
using Optimus.Runtime.Tests.Grains;
using Optimus.Runtime.Tests.Support;
using Xunit;

namespace Optimus.Runtime.Tests;

/// <summary>
/// What a silo compiled ahead of time refuses to start with: grain methods and states whose types no source-generated
/// JSON context covers. Here, where reflection serializes them anyway, the list itself is checked.
/// </summary>
public sealed class GeneratedContractTests
{
    [Fact]
    public async Task TypesNoContextCovers_AreListedWithWhereTheyAreUsed_TheRuntimesOwnAreNot()
    {
        await using var cluster = await Silos.StartAsync();

        var missing = Unserializable(cluster);

        Assert.Contains("Optimus.Runtime.Tests.Grains.CounterState (ICounterGrain.Get)", missing);
        Assert.DoesNotContain(missing, use => use.StartsWith("Optimus.Runtime.Tests.Grains.IBehaviourGrain ", StringComparison.Ordinal)); // a reference
        Assert.DoesNotContain(missing, use => use.StartsWith("Optimus.Runtime.TickStatus ", StringComparison.Ordinal)); // the runtime's own
    }

    [Fact]
    public async Task AContextRegisteredInTheSerializationOptions_CoversItsTypes()
    {
        await using var cluster = await Silos.StartAsync(silo => silo.Services.Configure<SerializationOptions>(o => o.TypeInfoResolvers.Add(CounterContext.Default)));

        var missing = Unserializable(cluster);

        Assert.DoesNotContain(missing, use => use.StartsWith("Optimus.Runtime.Tests.Grains.CounterState ", StringComparison.Ordinal));
        Assert.NotEmpty(missing); // the other test grains' types are still not covered
    }

    [Fact]
    public async Task GrainReferences_RoundTripWithoutReflection_AsThemselvesAndInsideAContextsTypes()
    {
        await using var cluster = await Silos.StartAsync();
        var codec = new GrainCodec(Options.Create(new SerializationOptions { TypeInfoResolvers = { CounterContext.Default } }), cluster.Services, reflection: false);
        var friend = cluster.Client.GetGrain<IBehaviourGrain>(Silos.NewKey());

        var alone = codec.Deserialize(codec.SerializeToBytes(friend, typeof(IBehaviourGrain)), typeof(IBehaviourGrain));
        var inState = (CounterState)codec.Deserialize(codec.SerializeToBytes(new CounterState { Value = 3, Friend = friend }, typeof(CounterState)), typeof(CounterState))!;

        Assert.Equal(friend, alone);
        Assert.Equal(friend, inState.Friend);
        Assert.Equal(3, inState.Value);
        Assert.Equal(1, await ((IBehaviourGrain)alone!).Count()); // bound to the runtime: it calls
        Assert.Throws<NotSupportedException>(() => codec.SerializeToBytes(new Uncovered(1), typeof(Uncovered))); // no contract, no reflection
    }

    private static List<string> Unserializable(Testing.TestCluster cluster) => GrainManifest.Unserializable(
        [new GrainClassInfo(typeof(CounterGrain)), new GrainClassInfo(typeof(LifecycleGrain))],
        cluster.Services.GetRequiredService<InterfaceRegistry>(),
        cluster.Services.GetRequiredService<GrainCodec>());
}

[JsonSerializable(typeof(CounterState))]
internal sealed partial class CounterContext : JsonSerializerContext;

internal sealed record Uncovered(int Value);
