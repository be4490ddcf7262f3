using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Optimus.Grains.Storage;
using Optimus.Runtime;

namespace Optimus.Grains.Versions;

/// <summary>
/// A version's layout and its save: seals every shard, totals what they report per table, checks it against what the
/// loader declared, and reports the verdict to the dataset. The save runs in the background of this grain (an
/// interleaving timer), so that the version stays readable meanwhile, and resumes after a restart until it has a
/// verdict.
/// </summary>
internal sealed partial class VersionGrain(
    [PersistentState("version")] IPersistentState<VersionState> state,
    ShardFiles files,
    ILogger<VersionGrain> logger) : Grain, IVersionGrain
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);
    private IGrainTimer? _saving;

    private VersionState Version => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Version.Saving)
        {
            StartSaving(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    public async Task Initialize(VersionLayout layout)
    {
        if (Version.Layout is { } existing)
        {
            if (existing.Dataset == layout.Dataset && existing.Shards == layout.Shards && existing.Tables.SequenceEqual(layout.Tables))
            {
                return;
            }

            throw new ProblemException(ProblemCodes.InvalidRequest, $"Version '{layout.Id}' already exists with another layout.");
        }

        Version.Layout = layout;
        await state.WriteStateAsync();
    }

    public Task<VersionLayout?> GetLayout() => Task.FromResult(Version.Layout);

    public async Task BeginSave(ImmutableDictionary<string, TableStats>? expect)
    {
        var layout = RequireLayout();
        if (!Version.Saving)
        {
            Version.Saving = true;
            Version.Expect = expect?.ToDictionary(StringComparer.Ordinal);
            await state.WriteStateAsync();
            LogSaving(logger, layout.Id, layout.Tables.Length * layout.Shards);
        }

        StartSaving(TimeSpan.Zero);
    }

    public async Task DeleteData()
    {
        var layout = RequireLayout();
        _saving?.Dispose();
        _saving = null;
        await ForEachShard(layout, shard => shard.DeleteData());
        var directory = files.VersionDirectory(layout.Id);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Version.DataDeleted = true;
        Version.Saving = false;
        await state.WriteStateAsync();
    }

    private VersionLayout RequireLayout() =>
        Version.Layout ?? throw new ProblemException(ProblemCodes.VersionNotFound, $"Version '{GetPrimaryKeyString()}' does not exist.");

    // The save runs as an interleaving timer tick: reads of the layout go on while the shards seal.
    private void StartSaving(TimeSpan delay)
    {
        if (_saving is not null)
        {
            return;
        }

        _saving = RegisterGrainTimer(SaveAsync, new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true });
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        var layout = RequireLayout();
        try
        {
            if (Version.Verdict is null)
            {
                var shards = new Dictionary<string, ShardStats[]>(StringComparer.Ordinal);
                foreach (var table in layout.Tables)
                {
                    shards[table] = new ShardStats[layout.Shards];
                }

                await ForEachShard(layout, async (table, shard, grain) => shards[table][shard] = await grain.Seal());
                Version.Shards = shards;
                Version.Verdict = SaveVerification.Judge(shards, Version.Expect);
                await state.WriteStateAsync(cancellationToken);
                LogVerdict(logger, layout.Id, Version.Verdict.Status, Version.Verdict.Reason);
            }

            await GrainFactory.GetGrain<IDatasetGrain>(layout.Dataset).OnSaved(layout.Id, Version.Verdict);
            _saving?.Dispose();
            _saving = null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogSaveFailed(logger, exception, layout.Id, RetryDelay);
            _saving?.Dispose();
            _saving = null;
            if (!Version.DataDeleted)
            {
                StartSaving(RetryDelay);
            }
        }
    }

    private Task ForEachShard(VersionLayout layout, Func<IEntryShardGrain, Task> action) =>
        ForEachShard(layout, (_, _, grain) => action(grain));

    private Task ForEachShard(VersionLayout layout, Func<string, int, IEntryShardGrain, Task> action)
    {
        var calls = new List<Task>(layout.Tables.Length * layout.Shards);
        foreach (var table in layout.Tables)
        {
            for (var shard = 0; shard < layout.Shards; shard++)
            {
                calls.Add(action(table, shard, GrainFactory.GetGrain<IEntryShardGrain>(layout.ShardKey(table, shard))));
            }
        }

        return Task.WhenAll(calls);
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Saving {Version}: sealing {Shards} shards.")]
    private static partial void LogSaving(ILogger logger, string version, int shards);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Version {Version} is {Status}: {Reason}")]
    private static partial void LogVerdict(ILogger logger, string version, VersionStatus status, string? reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Saving {Version} failed; trying again in {Delay}.")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception, string version, TimeSpan delay);
}
