using System.Collections.Immutable;
using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>
/// A dataset, keyed by its name: its tables and retention, its versions and their status, the active-version pointer
/// and every version's history. The version state machine lives here and only here: one writer per dataset.
/// </summary>
public interface IDatasetGrain : IGrainWithStringKey
{
    /// <summary>Creates the dataset. Problems: <c>dataset-exists</c>, <c>invalid-name</c>, <c>invalid-request</c>.</summary>
    Task<DatasetInfo> Create(ImmutableArray<string> tables, RetentionPolicy retention);

    /// <summary>The dataset. Problem: <c>dataset-not-found</c>.</summary>
    [ReadOnly]
    Task<DatasetInfo> Get();

    /// <summary>The active version and the sequence of the publish that set it. Problem: <c>dataset-not-found</c>.</summary>
    [ReadOnly]
    Task<ActiveVersion> GetActive();

    /// <summary>
    /// The active version, for the routing cache of <paramref name="silo"/> (a silo address), which this grain then
    /// tells of every later publish and rollback. Problem: <c>dataset-not-found</c>.
    /// </summary>
    [ReadOnly]
    Task<ActiveVersion> WatchActive(string silo);

    /// <summary>Creates a draft version, its shard count chosen from <paramref name="expectedEntries"/>.</summary>
    Task<VersionInfo> CreateVersion(string? label, long? expectedEntries);

    /// <summary>One version of this dataset. Problem: <c>version-not-found</c>.</summary>
    [ReadOnly]
    Task<VersionInfo> GetVersion(string versionId);

    /// <summary>Versions, newest first, after the cursor <paramref name="after"/>.</summary>
    [ReadOnly]
    Task<Page<VersionInfo>> ListVersions(string? after, int limit);

    /// <summary>Moves a draft to SAVING, fencing its batches, and starts building its segments.</summary>
    Task<VersionInfo> Save(string versionId, ImmutableDictionary<string, TableStats>? expect);

    /// <summary>
    /// Called by the version when its segments are built and verified: SAVED or FAILED. One-way, so that a save never
    /// waits for the dataset; a report that is lost is made again when the dataset asks the version to go on.
    /// </summary>
    [OneWay]
    Task OnSaved(string versionId, SaveVerdict verdict);

    /// <summary>Makes a SAVED version the active one; the former active version becomes SAVED.</summary>
    Task<VersionInfo> Publish(string versionId);

    /// <summary>Publishes the version that was active before the current one. Problem: <c>no-previous-version</c>.</summary>
    Task<VersionInfo> Rollback();

    /// <summary>Gives up a version that is not active; the janitor deletes its data.</summary>
    Task<VersionInfo> Discard(string versionId, string? reason);

    /// <summary>
    /// Applies retention: discards saved versions beyond the policy and fails drafts abandoned for longer than
    /// <paramref name="draftTimeout"/>. Returns the versions whose data may now be deleted.
    /// </summary>
    Task<ImmutableArray<string>> ApplyRetention(TimeSpan draftTimeout);

    /// <summary>Records that the janitor deleted the data of these versions.</summary>
    Task MarkDataDeleted(ImmutableArray<string> versionIds);
}
