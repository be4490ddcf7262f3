using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>The names of all datasets, in order, for listing. One grain, key <see cref="Key"/>.</summary>
public interface IDatasetRegistryGrain : IGrainWithStringKey
{
    /// <summary>The key of the one registry.</summary>
    const string Key = "all";

    /// <summary>Records a dataset name (idempotent).</summary>
    Task Add(string name);

    /// <summary>Up to <paramref name="limit"/> names after <paramref name="after"/> (exclusive), in ordinal order.</summary>
    [ReadOnly]
    Task<Page<string>> List(string? after, int limit);
}
