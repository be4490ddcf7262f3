namespace Optimus.Runtime;

/// <summary>
/// Stores grain state as opaque bytes under (state name, grain id), every change conditional on the ETag last read.
/// The contract, which the storage conformance kit checks for every provider:
/// <list type="bullet">
/// <item>Reading what was never written gives null.</item>
/// <item>A write with a null ETag creates, and fails if a record (even a cleared one) exists.</item>
/// <item>A write or clear with an ETag succeeds only if it is the stored one, and returns a new ETag never used for
/// that record before; otherwise it throws <see cref="InconsistentStateException"/> and changes nothing.</item>
/// <item>A clear keeps a tombstone (data null, new ETag), so an old ETag can never match again.</item>
/// </list>
/// </summary>
public interface IGrainStorage
{
    /// <summary>Reads a state; null when it was never written.</summary>
    Task<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken);

    /// <summary>Writes a state if <paramref name="etag"/> is the stored one; returns the new ETag.</summary>
    Task<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> data, string? etag, CancellationToken cancellationToken);

    /// <summary>Clears a state if <paramref name="etag"/> is the stored one; returns the tombstone's ETag (null if nothing was stored).</summary>
    Task<string?> ClearAsync(string stateName, GrainId grainId, string? etag, CancellationToken cancellationToken);
}
