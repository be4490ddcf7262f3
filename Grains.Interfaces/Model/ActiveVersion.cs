using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>
/// A dataset's active version (null when none), with the sequence number of the publish that set it, so that a
/// cache never lets an older answer overwrite a newer one.
/// </summary>
[Immutable]
public sealed record ActiveVersion(string? Id, long Sequence);
