using System.Collections.Immutable;
using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>
/// Routes reads (a stateless worker: several per silo, key <see cref="Key"/>): resolves the version a read gets,
/// maps keys to shards, and fans a multi-key read out and back — always within one version.
/// </summary>
public interface IRouterGrain : IGrainWithStringKey
{
    /// <summary>The key every caller uses; the runtime spreads calls over the silo's local workers.</summary>
    const string Key = "router";

    /// <summary>Reads one key from <paramref name="version"/>, or from the active version when it is null.</summary>
    [ReadOnly]
    Task<EntryRead> Get(string dataset, string table, string key, string? version);

    /// <summary>Reads several keys from one version: <paramref name="version"/>, or the active one resolved once.</summary>
    [ReadOnly]
    Task<EntriesRead> GetMany(string dataset, string table, ImmutableArray<string> keys, string? version);
}
