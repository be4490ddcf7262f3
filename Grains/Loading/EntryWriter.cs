using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Optimus.Grains.Diagnostics;
using Optimus.Grains.Routing;
using Optimus.Runtime;

namespace Optimus.Grains.Loading;

/// <summary>
/// Writes entries into a version: checks every entry against the version's layout first (so bad input changes
/// nothing), has the version admit the request (refused once a save or discard has fenced it), splits the entries by
/// table and shard, and sends each shard its part as one batch, in parallel. A shard acknowledges its batch once it is
/// on disk and ignores a batch id it has seen, so a retried request with the same batch id adds nothing twice.
/// </summary>
internal sealed class EntryWriter(VersionDirectory directory, IGrainFactory grains, OptimusMetrics metrics)
{
    /// <summary>Writes <paramref name="entries"/> (table, entry) and returns how many were new.</summary>
    public async Task<int> WriteAsync(string dataset, string version, string batchId, IReadOnlyCollection<(string Table, Entry Entry)> entries)
    {
        var layout = await directory.GetLayoutAsync(dataset, version);
        var batches = Split(dataset, layout, entries);

        // Admitted as a whole by the version, so that a save's fence finds the request wholly in or wholly out.
        var admission = grains.GetGrain<IVersionGrain>(layout.Id);
        await admission.AdmitLoad();
        try
        {
            var accepted = (await Task.WhenAll(batches.Select(batch =>
                grains.GetGrain<IEntryShardGrain>(layout.ShardKey(batch.Table, batch.Shard)).AddBatch(batchId, batch.Entries)))).Sum();
            metrics.Written(dataset, accepted);
            return accepted;
        }
        finally
        {
            await admission.ReleaseLoad();
        }
    }

    // Each shard's batch in an array of its exact size, counted first: no array outgrown and copied, and none a large
    // object up to 10,000 entries a request (the REST API's default limit). A request's entries are mostly of one
    // table, so the table's arrays are looked up only when the table changes. Both passes rely on the entries coming
    // in the same order each time they are enumerated.
    private static List<(string Table, int Shard, ImmutableArray<Entry> Entries)> Split(
        string dataset, VersionLayout layout, IReadOnlyCollection<(string Table, Entry Entry)> entries)
    {
        var shardOf = new int[entries.Count];
        var tables = new Dictionary<string, TableSplit>(StringComparer.Ordinal);
        TableSplit? split = null;
        var i = 0;
        foreach (var (table, entry) in entries)
        {
            if (split?.Table != table)
            {
                if (!layout.HasTable(table))
                {
                    throw new ProblemException(ProblemCodes.TableNotFound, $"Dataset '{dataset}' has no table '{table}'.");
                }

                split = tables.TryGetValue(table, out var seen) ? seen : tables[table] = new TableSplit(table, layout.Shards);
            }

            Names.CheckKey(entry.Key);
            var shard = shardOf[i++] = layout.ShardOf(entry.Key);
            split.Counts[shard]++;
        }

        var batches = new List<(string Table, int Shard, ImmutableArray<Entry> Entries)>();
        foreach (var table in tables.Values)
        {
            for (var shard = 0; shard < layout.Shards; shard++)
            {
                if (table.Counts[shard] > 0)
                {
                    var batch = table.Batches[shard] = new Entry[table.Counts[shard]];
                    batches.Add((table.Table, shard, ImmutableCollectionsMarshal.AsImmutableArray(batch)));
                }
            }
        }

        // Filled front to back, so that a key written twice in a request keeps its order: the last write wins.
        split = null;
        i = 0;
        foreach (var (table, entry) in entries)
        {
            split = split?.Table == table ? split : tables[table];
            var shard = shardOf[i++];
            split.Batches[shard]![split.Filled[shard]++] = entry;
        }

        return batches;
    }

    private sealed class TableSplit(string table, int shards)
    {
        public string Table { get; } = table;

        public int[] Counts { get; } = new int[shards];

        public int[] Filled { get; } = new int[shards];

        public Entry[]?[] Batches { get; } = new Entry[]?[shards];
    }
}
