namespace Optimus.Runtime;

/// <summary>One stored grain state: its bytes (null once cleared) and its ETag.</summary>
public sealed record GrainStateRecord(ReadOnlyMemory<byte>? Data, string ETag);
