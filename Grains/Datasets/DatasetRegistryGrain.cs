using Optimus.Runtime;

namespace Optimus.Grains.Datasets;

/// <summary>The names of all datasets, kept sorted, for listing with a cursor.</summary>
internal sealed class DatasetRegistryGrain([PersistentState("registry")] IPersistentState<DatasetRegistryState> state) : Grain, IDatasetRegistryGrain
{
    public async Task Add(string name)
    {
        var names = state.State.Names;
        var at = names.BinarySearch(name, StringComparer.Ordinal);
        if (at >= 0)
        {
            return;
        }

        names.Insert(~at, name);
        await state.WriteStateAsync();
    }

    public Task<Page<string>> List(string? after, int limit)
    {
        Paging.CheckLimit(limit);
        var names = state.State.Names;
        var start = 0;
        if (after is not null)
        {
            var at = names.BinarySearch(after, StringComparer.Ordinal);
            start = at >= 0 ? at + 1 : ~at;
        }

        var count = Math.Min(limit, names.Count - start);
        var next = start + count < names.Count ? names[start + count - 1] : null;
        return Task.FromResult(new Page<string>([.. names.GetRange(start, count)], next));
    }
}
