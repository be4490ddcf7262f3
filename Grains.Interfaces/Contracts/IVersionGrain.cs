using System.Collections.Immutable;
using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>
/// A version, keyed by its id: its layout, the entry counts and checksums its shards report, and the verification of
/// what the loader declared, which makes the verdict SAVED or FAILED.
/// </summary>
public interface IVersionGrain : IGrainWithStringKey
{
    /// <summary>Records the layout of a new version (idempotent for the same layout).</summary>
    Task Initialize(VersionLayout layout);

    /// <summary>The layout, or null when no such version exists. It never changes, so it is answered even while a save runs.</summary>
    [AlwaysInterleave]
    Task<VersionLayout?> GetLayout();

    /// <summary>
    /// Seals every shard, totals what they report, checks it against <paramref name="expect"/>, and reports the
    /// verdict to the dataset (<see cref="IDatasetGrain.OnSaved"/>). One-way: the dataset never waits for a save,
    /// which can take minutes, and the save never waits for the dataset, which may be calling this grain. Asking again
    /// is harmless; it resumes a save interrupted by a restart, or reports its verdict again.
    /// </summary>
    [OneWay]
    Task BeginSave(ImmutableDictionary<string, TableStats>? expect);

    /// <summary>
    /// Admits one load request: from here until <see cref="ReleaseLoad"/> its batches may go to the shards. Problem:
    /// <c>version-not-writable</c> once the version is fenced.
    /// </summary>
    [AlwaysInterleave]
    Task AdmitLoad();

    /// <summary>Ends a load request that <see cref="AdmitLoad"/> admitted, whatever its outcome.</summary>
    [AlwaysInterleave]
    Task ReleaseLoad();

    /// <summary>
    /// Refuses every later load request and waits for the admitted ones to end, so that a load request is either wholly
    /// in the version or wholly refused (idempotent). Saving and discarding fence first.
    /// </summary>
    Task Fence();

    /// <summary>Deletes the data of every shard (idempotent): for discarded, failed and pruned versions.</summary>
    Task DeleteData();
}
