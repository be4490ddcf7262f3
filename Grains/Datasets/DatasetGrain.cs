using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Optimus.Grains.Diagnostics;
using Optimus.Grains.Routing;
using Optimus.Runtime;

namespace Optimus.Grains.Datasets;

/// <summary>
/// The one owner of a dataset's version state machine: AWAITING_ENTRIES → SAVING → SAVED → PUBLISHED, or DISCARDED,
/// FAILED. Publish and rollback are one conditional write of this grain's state — the same cost for ten entries or ten
/// million — followed by telling every silo's routers before answering (see <see cref="ActiveVersionAnnouncer"/>).
/// </summary>
internal sealed class DatasetGrain(
    [PersistentState("dataset")] IPersistentState<DatasetState> state,
    ActiveVersionCache activeVersions,
    IGrainFactory grains,
    ILocalSilo silo,
    OptimusMetrics metrics,
    TimeProvider time,
    ILogger<DatasetGrain> logger) : Grain, IDatasetGrain
{
    private const int MaxTables = 64;
    private const int MaxLabelLength = 256;
    private const long SmallShardEntries = 62_500;
    private const long LargeShardEntries = 1_000_000;
    private const int DefaultShards = 16;
    private const int MaxShards = 256;
    private const int MaxReasonLength = 1024;
    private const int RecentVersions = 10;
    private const int MaxActiveHistory = 1000;

    private readonly ActiveVersionAnnouncer _announcer = new(grains, silo, activeVersions, logger);

    private string Name => GetPrimaryKeyString();

    private DatasetState Dataset => state.State;

    private ActiveVersion CurrentPointer => new(Dataset.Active, Dataset.PublishSequence);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // What is stored is the truth: a pointer written just before a crash (or a failed write) is told again.
        if (Dataset.Exists)
        {
            _ = _announcer.AnnounceAsync(Name, CurrentPointer); // this silo at once, the others in the background
        }

        // A save interrupted by a restart resumes: its version grain finishes it and reports back.
        foreach (var record in Dataset.Versions)
        {
            if (record.Status == VersionStatus.Saving)
            {
                await Versions(record.Id).BeginSave(ToImmutable(record.Expect));
            }
        }
    }

    public async Task<DatasetInfo> Create(ImmutableArray<string> tables, RetentionPolicy retention)
    {
        Names.CheckName(Name, "dataset");
        if (Dataset.Exists)
        {
            await Registry.Add(Name); // a create that failed after its write is listed now
            throw new ProblemException(ProblemCodes.DatasetExists, $"Dataset '{Name}' already exists.");
        }

        if (tables.IsDefaultOrEmpty || tables.Length > MaxTables)
        {
            throw new ProblemException(ProblemCodes.InvalidRequest, $"A dataset declares 1 to {MaxTables} tables.");
        }

        foreach (var table in tables)
        {
            Names.CheckName(table, "table");
        }

        if (tables.Distinct(StringComparer.Ordinal).Count() != tables.Length)
        {
            throw new ProblemException(ProblemCodes.InvalidRequest, "A table is declared twice.");
        }

        if (retention.KeepVersions is < 0 or > RetentionPolicy.MaxKeepVersions)
        {
            throw new ProblemException(ProblemCodes.InvalidRequest, $"retention.keepVersions must be 0 to {RetentionPolicy.MaxKeepVersions}.");
        }

        state.State = new DatasetState
        {
            Exists = true,
            Tables = [.. tables],
            KeepVersions = retention.KeepVersions,
            CreatedAt = time.GetUtcNow(),
        };
        await state.WriteStateAsync();
        await Registry.Add(Name);
        return Info();
    }

    public Task<DatasetInfo> Get()
    {
        EnsureExists();
        return Task.FromResult(Info());
    }

    public Task<ActiveVersion> GetActive()
    {
        EnsureExists();
        return Task.FromResult(CurrentPointer);
    }

    public Task<ActiveVersion> WatchActive(string silo)
    {
        EnsureExists();
        _announcer.Watch(silo);
        return GetActive();
    }

    public async Task<VersionInfo> CreateVersion(string? label, long? expectedEntries)
    {
        EnsureExists();
        if (label is { Length: > MaxLabelLength })
        {
            throw new ProblemException(ProblemCodes.InvalidRequest, $"A label may have at most {MaxLabelLength} characters.");
        }

        if (expectedEntries is < 0)
        {
            throw new ProblemException(ProblemCodes.InvalidRequest, "expectedEntries must not be negative.");
        }

        var now = time.GetUtcNow();
        var record = new VersionRecord
        {
            Id = $"{Name}@{Dataset.NextVersionNumber}",
            Label = label,
            CreatedAt = now,
            Shards = ShardCount(expectedEntries),
        };
        record.Move(VersionStatus.AwaitingEntries, now, expectedEntries is { } n ? $"created, expecting {n} entries" : "created");
        Dataset.NextVersionNumber++;
        Dataset.Versions.Add(record);
        DatasetRetention.Compact(Dataset);
        await state.WriteStateAsync();
        await Versions(record.Id).Initialize(Layout(record));
        return record.ToInfo(Name);
    }

    public Task<VersionInfo> GetVersion(string versionId) => Task.FromResult(Find(versionId).ToInfo(Name));

    public Task<Page<VersionInfo>> ListVersions(string? after, int limit)
    {
        EnsureExists();
        Paging.CheckLimit(limit);
        var newestFirst = Enumerable.Reverse(Dataset.Versions);
        if (after is not null)
        {
            newestFirst = newestFirst.SkipWhile(v => v.Id != after).Skip(1);
        }

        var page = newestFirst.Take(limit + 1).ToList();
        var next = page.Count > limit ? page[limit - 1].Id : null;
        return Task.FromResult(new Page<VersionInfo>([.. page.Take(limit).Select(v => v.ToInfo(Name))], next));
    }

    public async Task<VersionInfo> Save(string versionId, ImmutableDictionary<string, TableStats>? expect)
    {
        var record = Find(versionId);
        if (record.Status == VersionStatus.Saving)
        {
            await Versions(record.Id).BeginSave(ToImmutable(record.Expect)); // a retried save: make sure it goes on
            return record.ToInfo(Name);
        }

        RequireStatus(record, "save", VersionStatus.AwaitingEntries);
        foreach (var (table, stats) in expect ?? ImmutableDictionary<string, TableStats>.Empty)
        {
            if (!Dataset.Tables.Contains(table))
            {
                throw new ProblemException(ProblemCodes.TableNotFound, $"Dataset '{Name}' has no table '{table}' to expect entries in.");
            }

            if (stats.Entries < 0 || !EntryChecksum.TryParse(stats.Checksum, out _))
            {
                throw new ProblemException(ProblemCodes.InvalidRequest,
                    $"expect.{table} needs entries (0 or more) and checksum (16 hex digits); see the README for how to compute it.");
            }
        }

        // Fence first: once this answers, no load request is half in; every one admitted before is wholly in.
        await FenceAsync(record);
        record.Expect = expect?.ToDictionary(StringComparer.Ordinal);
        record.Move(VersionStatus.Saving, time.GetUtcNow(), expect is null ? "saving" : $"saving, verifying {expect.Count} declared tables");
        await state.WriteStateAsync();
        await Versions(record.Id).BeginSave(expect);
        return record.ToInfo(Name);
    }

    public async Task OnSaved(string versionId, SaveVerdict verdict)
    {
        var record = Find(versionId);
        if (record.Status != VersionStatus.Saving)
        {
            return; // reported twice, or discarded meanwhile
        }

        record.Tables = verdict.Tables.ToDictionary(StringComparer.Ordinal);
        record.IntegrityMismatch = verdict.Status == VersionStatus.Failed;
        record.Move(verdict.Status, time.GetUtcNow(), verdict.Reason);
        await state.WriteStateAsync();
    }

    public async Task<VersionInfo> Publish(string versionId)
    {
        var record = Find(versionId);
        if (record.Status == VersionStatus.Published)
        {
            await _announcer.AnnounceAsync(Name, CurrentPointer); // a retry: the first attempt may have told only some silos
            return record.ToInfo(Name);
        }

        if (record.IntegrityMismatch)
        {
            throw new ProblemException(ProblemCodes.IntegrityMismatch,
                $"Version {record.Id} failed verification and can never be published: {record.History[^1].Reason}");
        }

        RequireStatus(record, "publish", VersionStatus.Saved);
        var now = time.GetUtcNow();
        if (Dataset.Active is { } previous)
        {
            Find(previous).Move(VersionStatus.Saved, now, $"replaced by {record.Id}");
        }

        record.Move(VersionStatus.Published, now, Dataset.Active is { } replaced ? $"published, replacing {replaced}" : "published");
        Dataset.ActiveHistory.Add(record.Id);
        if (Dataset.ActiveHistory.Count > MaxActiveHistory)
        {
            Dataset.ActiveHistory.RemoveAt(0);
        }

        await SetActiveAsync(record.Id);
        metrics.Moved(Name, "publish");
        return record.ToInfo(Name);
    }

    public async Task<VersionInfo> Rollback()
    {
        EnsureExists();
        var history = Dataset.ActiveHistory;
        if (Dataset.Active is not { } current || history.Count < 2)
        {
            throw new ProblemException(ProblemCodes.NoPreviousVersion, $"Dataset '{Name}' has no version that was active before the current one.");
        }

        var previous = Find(history[^2]);
        if (previous.Status != VersionStatus.Saved)
        {
            throw new ProblemException(ProblemCodes.NoPreviousVersion,
                $"The version active before {current}, {previous.Id}, is {VersionStatusNames.Of(previous.Status)} and cannot be published again.");
        }

        var now = time.GetUtcNow();
        Find(current).Move(VersionStatus.Saved, now, $"rolled back to {previous.Id}");
        previous.Move(VersionStatus.Published, now, $"rollback from {current}");
        history.RemoveAt(history.Count - 1);
        await SetActiveAsync(previous.Id);
        metrics.Moved(Name, "rollback");
        return previous.ToInfo(Name);
    }

    public async Task<VersionInfo> Discard(string versionId, string? reason)
    {
        var record = Find(versionId);
        if (record.Status == VersionStatus.Discarded)
        {
            return record.ToInfo(Name);
        }

        if (record.Status == VersionStatus.Published)
        {
            throw new ProblemException(ProblemCodes.InvalidTransition,
                $"Version {record.Id} is PUBLISHED: the active version cannot be discarded; publish another or roll back first.");
        }

        if (reason is { Length: > MaxReasonLength })
        {
            throw new ProblemException(ProblemCodes.InvalidRequest, $"A reason may have at most {MaxReasonLength} characters.");
        }

        // Fenced at once, so that no load lands in a discarded draft; the janitor deletes the data.
        await FenceAsync(record);
        record.Move(VersionStatus.Discarded, time.GetUtcNow(), reason is { Length: > 0 } ? reason : "discarded");
        await state.WriteStateAsync();
        return record.ToInfo(Name);
    }

    public async Task<ImmutableArray<string>> ApplyRetention(TimeSpan draftTimeout)
    {
        if (!Dataset.Exists)
        {
            return [];
        }

        if (DatasetRetention.Apply(Dataset, time.GetUtcNow(), draftTimeout))
        {
            await state.WriteStateAsync();
        }

        foreach (var saving in Dataset.Versions.Where(v => v.Status == VersionStatus.Saving))
        {
            await Versions(saving.Id).BeginSave(ToImmutable(saving.Expect));
        }

        return [.. DatasetRetention.DataToDelete(Dataset)];
    }

    public async Task MarkDataDeleted(ImmutableArray<string> versionIds)
    {
        var changed = false;
        foreach (var id in versionIds)
        {
            if (Dataset.Versions.Find(v => v.Id == id) is { DataDeleted: false } record)
            {
                record.DataDeleted = true;
                changed = true;
            }
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    // A shard per 62,500 entries up to 16 shards (16 spread a version over a cluster and its seal over the cores), then
    // one per million entries up to 256: a multi-key read asks each shard its keys fall in, one call each, so more and
    // smaller shards would make every such read dearer (at 10,000,000 entries, 160 shards cost 100-key reads half their rate).
    private static int ShardCount(long? expectedEntries) => expectedEntries is > 0 and var n
        ? (int)Math.Min(Math.Max(Math.Min(CeilingOf(n, SmallShardEntries), DefaultShards), CeilingOf(n, LargeShardEntries)), MaxShards)
        : DefaultShards;

    private static long CeilingOf(long entries, long perShard) => (entries + perShard - 1) / perShard;

    private static ImmutableDictionary<string, TableStats>? ToImmutable(Dictionary<string, TableStats>? expect) =>
        expect?.ToImmutableDictionary(StringComparer.Ordinal);

    private IDatasetRegistryGrain Registry => GrainFactory.GetGrain<IDatasetRegistryGrain>(IDatasetRegistryGrain.Key);

    private IVersionGrain Versions(string id) => GrainFactory.GetGrain<IVersionGrain>(id);

    private async Task SetActiveAsync(string versionId)
    {
        Dataset.Active = versionId;
        Dataset.PublishSequence++;
        await state.WriteStateAsync();
        await _announcer.AnnounceAsync(Name, CurrentPointer);
    }

    private void EnsureExists()
    {
        if (!Dataset.Exists)
        {
            throw new ProblemException(ProblemCodes.DatasetNotFound, $"Dataset '{Name}' does not exist.");
        }
    }

    private VersionRecord Find(string versionId)
    {
        EnsureExists();
        return Dataset.Versions.Find(v => v.Id == versionId)
            ?? throw new ProblemException(ProblemCodes.VersionNotFound, $"Dataset '{Name}' has no version '{versionId}'.");
    }

    private static void RequireStatus(VersionRecord record, string action, VersionStatus required)
    {
        if (record.Status != required)
        {
            throw new ProblemException(ProblemCodes.InvalidTransition,
                $"Version {record.Id} is {VersionStatusNames.Of(record.Status)}; only a {VersionStatusNames.Of(required)} version can {action}.");
        }
    }

    private DatasetInfo Info() => new(
        Name,
        [.. Dataset.Tables],
        new RetentionPolicy(Dataset.KeepVersions),
        Dataset.Active,
        Dataset.CreatedAt,
        [.. Enumerable.Reverse(Dataset.Versions).Take(RecentVersions).Select(v => v.ToSummary())]);

    private VersionLayout Layout(VersionRecord record) => new(record.Id, Name, [.. Dataset.Tables], record.Shards);

    // Re-sends the layout (idempotent: a crash may have come between our write and the version's), then fences.
    private async Task FenceAsync(VersionRecord record)
    {
        var version = Versions(record.Id);
        await version.Initialize(Layout(record));
        await version.Fence();
    }
}
