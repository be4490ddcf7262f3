using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>
/// Applies retention on a reminder (one per cluster, key <see cref="Key"/>): keeps each dataset's active version and
/// its <c>keepVersions</c> most recent saved ones, deletes the data of the rest and of discarded and failed versions,
/// and fails drafts abandoned past the draft timeout.
/// </summary>
public interface IJanitorGrain : IGrainWithStringKey
{
    /// <summary>The key of the one janitor.</summary>
    const string Key = "janitor";

    /// <summary>Makes sure the janitor's reminder is registered (idempotent).</summary>
    Task Start();

    /// <summary>Runs one pass now; returns how many versions' data it deleted.</summary>
    Task<int> RunOnce();
}
