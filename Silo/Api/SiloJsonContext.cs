using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Optimus.Silo.Api;

/// <summary>Source-generated JSON for the API's own request and response types.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CreateDatasetRequest))]
[JsonSerializable(typeof(CreateVersionRequest))]
[JsonSerializable(typeof(SaveRequest))]
[JsonSerializable(typeof(DiscardRequest))]
[JsonSerializable(typeof(LookupRequest))]
[JsonSerializable(typeof(ImmutableArray<TableSummary>))]
[JsonSerializable(typeof(LoadResult))]
internal sealed partial class SiloJsonContext : JsonSerializerContext;
