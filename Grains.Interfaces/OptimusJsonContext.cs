using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Optimus.Grains;

/// <summary>Source-generated JSON for everything that crosses the wire or is stored, camelCase as in API.md.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DatasetInfo))]
[JsonSerializable(typeof(VersionInfo))]
[JsonSerializable(typeof(VersionLayout))]
[JsonSerializable(typeof(ShardRoutes))]
[JsonSerializable(typeof(ClusterView))]
[JsonSerializable(typeof(Page<string>))]
[JsonSerializable(typeof(Page<VersionInfo>))]
[JsonSerializable(typeof(Page<DatasetInfo>))]
[JsonSerializable(typeof(ActiveVersion))]
[JsonSerializable(typeof(SaveVerdict))]
[JsonSerializable(typeof(ShardStats))]
[JsonSerializable(typeof(EntryRead))]
[JsonSerializable(typeof(EntriesRead))]
[JsonSerializable(typeof(ImmutableArray<Entry>))]
[JsonSerializable(typeof(ImmutableArray<string>))]
[JsonSerializable(typeof(ImmutableDictionary<string, TableStats>))]
[JsonSerializable(typeof(RetentionPolicy))]
[JsonSerializable(typeof(VersionStatus))]
[JsonSerializable(typeof(long?))]
public sealed partial class OptimusJsonContext : JsonSerializerContext;
