using System.Collections.Immutable;
using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>A multi-key read from one version: values in the order of the keys asked for, null where a key is missing.</summary>
[Immutable]
public sealed record EntriesRead(string Version, string? ActiveVersion, ImmutableArray<ReadOnlyMemory<byte>?> Values);
