using System.Collections.Immutable;
using Optimus.Grains;

namespace Optimus.Silo.Api;

/// <summary><c>POST /v1/datasets</c>.</summary>
public sealed record CreateDatasetRequest(string? Name, ImmutableArray<string>? Tables, RetentionPolicy? Retention);

/// <summary><c>POST /v1/versions</c>.</summary>
public sealed record CreateVersionRequest(string? Dataset, string? Label, long? ExpectedEntries);

/// <summary><c>POST /v1/versions/{v}/save</c>.</summary>
public sealed record SaveRequest(ImmutableDictionary<string, TableStats>? Expect);

/// <summary><c>POST /v1/versions/{v}/discard</c>.</summary>
public sealed record DiscardRequest(string? Reason);

/// <summary><c>POST /v1/datasets/{ds}/tables/{t}/lookup</c>.</summary>
public sealed record LookupRequest(ImmutableArray<string>? Keys, string? Version);

/// <summary>One table of <c>GET /v1/datasets/{ds}/tables</c>: its entries in the active version, or null.</summary>
public sealed record TableSummary(string Name, long? Entries);

/// <summary>The answer to a load: how many entries were new.</summary>
public sealed record LoadResult(int Accepted);
