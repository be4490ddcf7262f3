namespace Optimus.Grains.Datasets;

/// <summary>
/// Retention as rules on a dataset's state: which drafts are abandoned, which saved versions are beyond the policy,
/// whose data may go, and which old records may be forgotten. The dataset grain applies them and writes the result.
/// </summary>
internal static class DatasetRetention
{
    /// <summary>Records kept: beyond this, the oldest records of versions whose data is deleted are forgotten.</summary>
    public const int MaxVersionRecords = 1000;

    /// <summary>
    /// Fails drafts abandoned for longer than <paramref name="draftTimeout"/> and discards the saved versions beyond the
    /// newest <see cref="DatasetState.KeepVersions"/> (the active version is never among them). True when anything changed.
    /// </summary>
    public static bool Apply(DatasetState dataset, DateTimeOffset now, TimeSpan draftTimeout)
    {
        var changed = false;
        foreach (var draft in dataset.Versions.Where(v => v.Status == VersionStatus.AwaitingEntries && now - v.CreatedAt > draftTimeout))
        {
            draft.Move(VersionStatus.Failed, now, $"abandoned: not saved within {draftTimeout}");
            changed = true;
        }

        // Versions are kept oldest first, so the newest saved ones are the last ones.
        var pruned = Enumerable.Reverse(dataset.Versions).Where(v => v.Status == VersionStatus.Saved).Skip(dataset.KeepVersions).ToList();
        foreach (var version in pruned)
        {
            version.Move(VersionStatus.Discarded, now, $"retention: beyond the {dataset.KeepVersions} saved versions kept");
            changed = true;
        }

        return changed;
    }

    /// <summary>The discarded and failed versions whose data has not been deleted yet.</summary>
    public static IEnumerable<string> DataToDelete(DatasetState dataset) =>
        dataset.Versions.Where(v => v.Status is VersionStatus.Discarded or VersionStatus.Failed && !v.DataDeleted).Select(v => v.Id);

    /// <summary>Forgets the oldest records of versions whose data is gone, so that the state does not grow without end.</summary>
    public static void Compact(DatasetState dataset)
    {
        var excess = dataset.Versions.Count - MaxVersionRecords;
        if (excess > 0)
        {
            var forgotten = dataset.Versions.Where(v => v.DataDeleted).Take(excess).ToHashSet();
            dataset.Versions.RemoveAll(forgotten.Contains);
        }
    }
}
