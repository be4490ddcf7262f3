using System.Collections.Concurrent;
using Optimus.Runtime;

namespace Optimus.Grains.Routing;

/// <summary>
/// Answers "what is this version's layout" and "which version is active" for this silo, from caches in front of the
/// version and dataset grains. Layouts never change, so they are cached for good; active versions come from
/// <see cref="ActiveVersionCache"/>, which the dataset grain keeps current once this silo has asked it.
/// </summary>
internal sealed class VersionDirectory(IGrainFactory grains, ActiveVersionCache active, ILocalSilo silo)
{
    private readonly ConcurrentDictionary<string, VersionLayout> _layouts = new(StringComparer.Ordinal);

    public async ValueTask<VersionLayout> GetLayoutAsync(string version)
    {
        if (_layouts.TryGetValue(version, out var layout))
        {
            return layout;
        }

        // Anything that is not of the form dataset@number names no version: no grain is activated for it.
        layout = (Names.IsVersionId(version) ? await grains.GetGrain<IVersionGrain>(version).GetLayout() : null)
            ?? throw new ProblemException(ProblemCodes.VersionNotFound, $"Version '{version}' does not exist.");
        return _layouts.GetOrAdd(version, layout);
    }

    /// <summary>The layout of <paramref name="version"/>, which must belong to <paramref name="dataset"/>.</summary>
    public async ValueTask<VersionLayout> GetLayoutAsync(string dataset, string version)
    {
        var layout = await GetLayoutAsync(version);
        return layout.Dataset == dataset
            ? layout
            : throw new ProblemException(ProblemCodes.VersionDatasetMismatch, $"Version '{version}' belongs to dataset '{layout.Dataset}', not '{dataset}'.");
    }

    public async ValueTask<ActiveVersion> GetActiveAsync(string dataset)
    {
        if (active.TryGet(dataset, out var known))
        {
            return known;
        }

        var fresh = await grains.GetGrain<IDatasetGrain>(dataset).WatchActive(silo.Address.ToString());
        active.Offer(dataset, fresh);
        return active.TryGet(dataset, out known) ? known : fresh;
    }
}
