using System.Collections.Immutable;
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
    public async Task<int> WriteAsync(string dataset, string version, string batchId, IReadOnlyList<(string Table, Entry Entry)> entries)
    {
        var layout = await directory.GetLayoutAsync(dataset, version);
        var batches = new Dictionary<(string Table, int Shard), ImmutableArray<Entry>.Builder>();
        foreach (var (table, entry) in entries)
        {
            if (!layout.HasTable(table))
            {
                throw new ProblemException(ProblemCodes.TableNotFound, $"Dataset '{dataset}' has no table '{table}'.");
            }

            Names.CheckKey(entry.Key);
            var shard = (table, layout.ShardOf(entry.Key));
            if (!batches.TryGetValue(shard, out var batch))
            {
                batches[shard] = batch = ImmutableArray.CreateBuilder<Entry>();
            }

            batch.Add(entry);
        }

        // Admitted as a whole by the version, so that a save's fence finds the request wholly in or wholly out.
        var admission = grains.GetGrain<IVersionGrain>(layout.Id);
        await admission.AdmitLoad();
        try
        {
            var accepted = (await Task.WhenAll(batches.Select(pair =>
                grains.GetGrain<IEntryShardGrain>(layout.ShardKey(pair.Key.Table, pair.Key.Shard)).AddBatch(batchId, pair.Value.ToImmutable())))).Sum();
            metrics.Written(dataset, accepted);
            return accepted;
        }
        finally
        {
            await admission.ReleaseLoad();
        }
    }
}
