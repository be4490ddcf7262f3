using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Optimus.Grains.Storage;
using Optimus.Runtime;

namespace Optimus.Grains.Versions;

/// <summary>
/// A version's layout, its fence and its save. Load requests are admitted here one by one; the fence refuses new ones
/// and waits for those admitted, so that a request is wholly in the version or wholly refused. The save seals every
/// shard (a few at a time), totals what they report per table, checks it against what the loader declared, and
/// reports the verdict to the dataset. It runs as this grain's own timer turn, so nothing else changes this grain's
/// state meanwhile (the layout and load admission still answer), and it resumes after a restart until it has a verdict.
/// </summary>
internal sealed partial class VersionGrain(
    [PersistentState("version")] IPersistentState<VersionState> state,
    ShardFiles files,
    IOptions<MessagingOptions> messaging,
    TimeProvider time,
    ILogger<VersionGrain> logger) : Grain, IVersionGrain
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LastRetry = TimeSpan.FromMinutes(5);
    // Two seals a core: a seal computes for about two thirds of its time and waits for its flushes (off the thread pool,
    // see DiskFlush) the rest, when another one computes. Each holds about 44 bytes an entry written to its shard
    // meanwhile (where each lies in the staging log, its hash, its place in the index order, its offset in the segment):
    // 28 MB for a shard of 625,000 (a version of 10,000,000 entries).
    private static readonly int ConcurrentSeals = 2 * Environment.ProcessorCount;
    private IGrainTimer? _saving;
    private TimeSpan _retry = FirstRetry;
    private int _loadsInFlight;
    private TaskCompletionSource? _loadsDrained;

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

    public Task AdmitLoad()
    {
        var layout = RequireLayout();
        if (Version.Fenced)
        {
            throw new ProblemException(ProblemCodes.VersionNotWritable,
                $"Version {layout.Id} takes no more entries: it is being saved, saved, or discarded.");
        }

        _loadsInFlight++;
        return Task.CompletedTask;
    }

    public Task ReleaseLoad()
    {
        if (_loadsInFlight > 0 && --_loadsInFlight == 0)
        {
            _loadsDrained?.TrySetResult();
        }

        return Task.CompletedTask;
    }

    public async Task Fence()
    {
        var layout = RequireLayout();
        if (!Version.Fenced)
        {
            Version.Fenced = true; // in memory first: a load admitted while the write awaits would slip past the fence
            await state.WriteStateAsync();
        }

        if (_loadsInFlight > 0)
        {
            _loadsDrained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var patience = messaging.Value.ResponseTimeout * 2;
            try
            {
                await _loadsDrained.Task.WaitAsync(patience, time);
            }
            catch (TimeoutException)
            {
                // A caller that admitted a load and died never releases it: do not wait for it forever.
                LogLoadsAbandoned(logger, layout.Id, _loadsInFlight, patience);
                _loadsInFlight = 0;
            }

            _loadsDrained = null;
        }
    }

    public async Task BeginSave(ImmutableDictionary<string, TableStats>? expect)
    {
        var layout = RequireLayout();
        if (!Version.Saving)
        {
            Version.Fenced = true;
            Version.Saving = true;
            Version.Expect = expect?.ToDictionary(StringComparer.Ordinal);
            await state.WriteStateAsync();
            LogSaving(logger, layout.Id, layout.Tables.Length * layout.Shards);
        }

        StartSaving(TimeSpan.Zero);
    }

    public async Task DeleteData()
    {
        if (Version.Layout is not { } layout || Version.DataDeleted)
        {
            return; // never initialised (a crash between the dataset's write and ours), or done already
        }

        _saving?.Dispose();
        _saving = null;
        Version.Fenced = true;
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

    private void StartSaving(TimeSpan delay)
    {
        if (_saving is null && !Version.DataDeleted)
        {
            _saving = RegisterGrainTimer(SaveAsync, new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        }
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        var layout = RequireLayout();
        try
        {
            if (Version.Verdict is null)
            {
                var verdict = await SealAllAsync(layout);
                Version.Verdict = verdict;
                await state.WriteStateAsync(cancellationToken);
                LogVerdict(logger, layout.Id, verdict.Status, verdict.Reason);
            }

            await GrainFactory.GetGrain<IDatasetGrain>(layout.Dataset).OnSaved(layout.Id, Version.Verdict);
            _saving?.Dispose();
            _saving = null;
            _retry = FirstRetry;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogSaveFailed(logger, exception, layout.Id, _retry);
            _saving?.Dispose();
            _saving = null;
            StartSaving(_retry);
            _retry = TimeSpan.FromTicks(Math.Min(_retry.Ticks * 2, LastRetry.Ticks));
        }
    }

    // Seals every shard, a few at a time. A shard whose data is damaged fails the version; any other failure is
    // thrown, and the save is tried again later.
    private async Task<SaveVerdict> SealAllAsync(VersionLayout layout)
    {
        var shards = new Dictionary<string, ShardStats[]>(StringComparer.Ordinal);
        foreach (var table in layout.Tables)
        {
            shards[table] = new ShardStats[layout.Shards];
        }

        var damaged = new List<string>();
        using var slots = new SemaphoreSlim(ConcurrentSeals);
        await ForEachShard(layout, async (table, shard, grain) =>
        {
            await slots.WaitAsync();
            try
            {
                shards[table][shard] = await grain.Seal();
            }
            catch (InvalidDataException exception)
            {
                damaged.Add($"shard {table}/{shard}: {exception.Message}");
            }
            finally
            {
                slots.Release();
            }
        });

        Version.Shards = shards;
        return damaged.Count == 0
            ? SaveVerification.Judge(shards, Version.Expect)
            : new SaveVerdict(VersionStatus.Failed, ImmutableDictionary<string, TableStats>.Empty, "damaged data: " + string.Join("; ", damaged));
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

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Fencing {Version}: stopped waiting for {Count} load requests after {Patience}.")]
    private static partial void LogLoadsAbandoned(ILogger logger, string version, int count, TimeSpan patience);
}
