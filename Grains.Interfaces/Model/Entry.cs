using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>One key and its value: the value's JSON text as UTF-8, exactly as it was sent.</summary>
[Immutable]
public sealed record Entry(string Key, ReadOnlyMemory<byte> Value);
