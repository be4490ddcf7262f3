using System.Collections.Immutable;
using Optimus.Runtime.Serialization;
using Optimus.Runtime.Tests.Grains;
using Xunit;

namespace Optimus.Runtime.Tests;

/// <summary>Which types a local call may pass by reference instead of copying.</summary>
public sealed class ImmutabilityTests
{
    [Theory]
    [InlineData(typeof(string))]
    [InlineData(typeof(int?))]
    [InlineData(typeof(ReadOnlyMemory<byte>))]
    [InlineData(typeof(ReadOnlyMemory<byte>?))]
    [InlineData(typeof(ImmutablePayload))]
    [InlineData(typeof(ImmutableArray<string>))]
    [InlineData(typeof(ImmutableArray<ImmutablePayload>))]
    [InlineData(typeof(ImmutableArray<ReadOnlyMemory<byte>?>))]
    [InlineData(typeof(ImmutableDictionary<string, ImmutablePayload>))]
    [InlineData(typeof(IBehaviourGrain))]
    public void Immutable(Type type) => Assert.True(Immutability.IsImmutable(type));

    [Theory]
    [InlineData(typeof(Payload))]
    [InlineData(typeof(byte[]))]
    [InlineData(typeof(List<string>))]
    [InlineData(typeof(ImmutableArray<Payload>))]
    [InlineData(typeof(ImmutableDictionary<string, Payload>))]
    [InlineData(typeof(IReadOnlyList<string>))]
    [InlineData(typeof(object))]
    public void Mutable(Type type) => Assert.False(Immutability.IsImmutable(type));
}
