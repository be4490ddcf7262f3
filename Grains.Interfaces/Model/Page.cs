using System.Collections.Immutable;
using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>One page of a listing and the cursor of the next (null on the last page).</summary>
[Immutable]
public sealed record Page<T>(ImmutableArray<T> Items, string? Next);
