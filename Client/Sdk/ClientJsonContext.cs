using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Optimus.Grains;

namespace Optimus.Client;

/// <summary>Source-generated JSON for the bodies the SDK sends and the small answers it reads; camelCase as in API.md.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateDatasetBody))]
[JsonSerializable(typeof(CreateVersionBody))]
[JsonSerializable(typeof(SaveBody))]
[JsonSerializable(typeof(DiscardBody))]
[JsonSerializable(typeof(LookupBody))]
[JsonSerializable(typeof(LoadAnswer))]
[JsonSerializable(typeof(string))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;

internal sealed record CreateDatasetBody(string Name, ImmutableArray<string> Tables, RetentionPolicy? Retention);

internal sealed record CreateVersionBody(string Dataset, string? Label, long? ExpectedEntries);

internal sealed record SaveBody(IReadOnlyDictionary<string, TableStats>? Expect);

internal sealed record DiscardBody(string? Reason);

internal sealed record LookupBody(IReadOnlyList<string> Keys, string? Version);

internal sealed record LoadAnswer(int Accepted);
