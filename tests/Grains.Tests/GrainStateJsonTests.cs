using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Optimus.Grains.Datasets;
using Optimus.Grains.Hosting;
using Optimus.Grains.Shards;
using Optimus.Grains.Versions;
using Xunit;

namespace Optimus.Grains.Tests;

/// <summary>
/// The grains' state is written in the same JSON by its source-generated serializers as by the reflection-based ones
/// that wrote it before: a data directory from before reads the same.
/// </summary>
public sealed class GrainStateJsonTests
{
    private static readonly JsonSerializerOptions Reflection = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(OptimusJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    private static readonly JsonSerializerOptions Generated = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(OptimusJsonContext.Default, GrainStateJsonContext.Default),
    };

    public static TheoryData<object> States()
    {
        var at = new DateTimeOffset(2026, 12, 1, 22, 0, 0, TimeSpan.Zero);
        var stats = new Dictionary<string, TableStats> { ["t"] = new(3, "00000000000000ff") };
        var record = new VersionRecord { Id = "d@2", Label = "nightly", Shards = 16, CreatedAt = at, Expect = stats, Tables = stats, IntegrityMismatch = true };
        record.Move(VersionStatus.Saved, at, "sealed");
        return new TheoryData<object>
        {
            new DatasetState { Exists = true, Tables = ["t", "u"], KeepVersions = 3, CreatedAt = at, Active = "d@2", PublishSequence = 7, ActiveHistory = ["d@1"], NextVersionNumber = 3, Versions = [record] },
            new DatasetRegistryState { Names = ["a", "b"] },
            new VersionState
            {
                Layout = new VersionLayout("d@2", "d", ["t"], 16), Fenced = true, Expect = stats, Verdict = new SaveVerdict(VersionStatus.Saved, stats.ToImmutableDictionary(), null),
                Shards = new Dictionary<string, ShardStats[]> { ["t"] = [new ShardStats(2, 5), new ShardStats(1, 9)] }, DataDeleted = true,
            },
            new ShardState { Phase = ShardPhase.Sealed, Entries = 62_500, Checksum = ulong.MaxValue },
        };
    }

    [Theory]
    [MemberData(nameof(States))]
    public void EachState_IsWrittenAsBefore_AndReadBack(object state)
    {
        var before = JsonSerializer.Serialize(state, state.GetType(), Reflection);

        Assert.Equal(before, JsonSerializer.Serialize(state, state.GetType(), Generated));
        Assert.Equal(before, JsonSerializer.Serialize(JsonSerializer.Deserialize(before, state.GetType(), Generated), state.GetType(), Reflection));
    }
}
