using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Optimus.Grains.Diagnostics;
using Optimus.Grains.Shards;
using Optimus.Runtime;

namespace Optimus.Grains.Routing;

/// <summary>
/// Reads entries. It resolves the version once per read — the one named, or the active one from this silo's cache —
/// maps each key to its shard, and reads the shard's segment where this silo has it open (<see cref="OpenSegments"/>),
/// else asks the shard's grain; several keys ask each such shard once, in parallel, so that a multi-key read never
/// mixes versions. Code the silo hosts (the REST API) calls it directly; callers from outside the silo reach it through
/// <see cref="RouterGrain"/>.
/// </summary>
internal sealed class EntryReader(IGrainFactory grains, VersionDirectory directory, OpenSegments segments, ILocalSilo silo, OptimusMetrics metrics)
{
    public async Task<EntryRead> GetAsync(string dataset, string table, string key, string? version)
    {
        Names.CheckKey(key);
        var (layout, active) = await ResolveAsync(dataset, table, version);
        var value = segments.TryGet(layout, table, key, out var shard, out var opened) ? opened : await ShardGrain(dataset, layout, table, shard, 1).Get(key);
        metrics.Read(dataset, value is null ? 0 : 1, value is null ? 1 : 0);
        return new EntryRead(layout.Id, active, value);
    }

    public async Task<EntriesRead> GetManyAsync(string dataset, string table, ImmutableArray<string> keys, string? version)
    {
        foreach (var key in keys)
        {
            Names.CheckKey(key);
        }

        var (layout, active) = await ResolveAsync(dataset, table, version);
        var values = new ReadOnlyMemory<byte>?[keys.Length];
        if (segments.GetMany(layout, table, keys, values) is { } notHere)
        {
            var byShard = new Dictionary<int, List<int>>(); // positions of the keys of each shard to ask
            foreach (var (i, shard) in notHere)
            {
                if (!byShard.TryGetValue(shard, out var positions))
                {
                    byShard[shard] = positions = [];
                }

                positions.Add(i);
            }

            await Task.WhenAll(byShard.Select(async pair =>
            {
                var found = await ShardGrain(dataset, layout, table, pair.Key, pair.Value.Count).GetMany([.. pair.Value.Select(i => keys[i])]);
                for (var j = 0; j < pair.Value.Count; j++)
                {
                    values[pair.Value[j]] = found[j];
                }
            }));
        }

        var found = 0;
        foreach (var value in values)
        {
            found += value is null ? 0 : 1;
        }

        metrics.Read(dataset, found, values.Length - found);
        return new EntriesRead(layout.Id, active, ImmutableCollectionsMarshal.AsImmutableArray(values));
    }

    private async ValueTask<(VersionLayout Layout, string? Active)> ResolveAsync(string dataset, string table, string? version)
    {
        var active = await directory.GetActiveAsync(dataset);
        var id = version ?? active.Id
            ?? throw new ProblemException(ProblemCodes.NoActiveVersion, $"Dataset '{dataset}' has no published version; name a version to read a draft.");
        var layout = await directory.GetLayoutAsync(dataset, id);
        if (!layout.HasTable(table))
        {
            throw new ProblemException(ProblemCodes.TableNotFound, $"Dataset '{dataset}' has no table '{table}'.");
        }

        return (layout, active.Id);
    }

    // The grain of a shard this silo has no open segment of, for the given number of keys: counted as forwarded when
    // the shard lives on another silo.
    private IEntryShardGrain ShardGrain(string dataset, VersionLayout layout, string table, int shard, int keys)
    {
        var grain = grains.GetGrain<IEntryShardGrain>(layout.ShardKey(table, shard));
        if (silo.Locate(grain) != silo.Address)
        {
            metrics.Forwarded(dataset, keys);
        }

        return grain;
    }
}
