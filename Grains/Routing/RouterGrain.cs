using System.Collections.Immutable;
using Optimus.Runtime;

namespace Optimus.Grains.Routing;

/// <summary>Routes the reads of callers outside the silo (grain clients) to this silo's <see cref="EntryReader"/>.</summary>
[StatelessWorker]
internal sealed class RouterGrain(EntryReader reader) : Grain, IRouterGrain
{
    public Task<EntryRead> Get(string dataset, string table, string key, string? version) => reader.GetAsync(dataset, table, key, version);

    public Task<EntriesRead> GetMany(string dataset, string table, ImmutableArray<string> keys, string? version) =>
        reader.GetManyAsync(dataset, table, keys, version);
}
