using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>A single-key read: the version read, the active version, and the value (null when the key is missing).</summary>
[Immutable]
public sealed record EntryRead(string Version, string? ActiveVersion, ReadOnlyMemory<byte>? Value);
