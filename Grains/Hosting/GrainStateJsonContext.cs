using System.Text.Json;
using System.Text.Json.Serialization;
using Optimus.Grains.Datasets;
using Optimus.Grains.Shards;
using Optimus.Grains.Versions;

namespace Optimus.Grains.Hosting;

/// <summary>
/// Source-generated JSON for the grains' persistent state, in the same shape the runtime's codec gives any type
/// (camelCase): a silo that starts reads its first states without building their serializers by reflection.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DatasetState))]
[JsonSerializable(typeof(DatasetRegistryState))]
[JsonSerializable(typeof(VersionState))]
[JsonSerializable(typeof(ShardState))]
internal sealed partial class GrainStateJsonContext : JsonSerializerContext;
