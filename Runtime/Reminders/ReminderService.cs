using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Optimus.Runtime.Hosting;
using Optimus.Runtime.Invocation;
using Optimus.Runtime.Placement;

namespace Optimus.Runtime.Reminders;

/// <summary>
/// Fires this silo's reminders. It reads the reminder table at start and every refresh period, keeps one timer per
/// reminder armed for its next tick at start + n·period, and delivers each tick as an ordinary grain call to
/// <see cref="IRemindable.ReceiveReminder"/>, which activates the grain if it is not active. In a cluster each silo
/// fires the reminders of the grains it owns by the ring, and reads the table again whenever the membership changes.
/// Registering, unregistering and refreshing take turns, so a refresh never revives a reminder that was just removed.
/// </summary>
internal sealed partial class ReminderService : IDisposable
{
    private readonly ConcurrentDictionary<(GrainId Grain, string Name), LocalReminder> _local = new();
    private readonly SemaphoreSlim _changes = new(1, 1);
    private readonly IReminderTable? _table;
    private readonly GrainPlacement _placement;
    private readonly LocalSilo _silo;
    private readonly GrainFactory _factory;
    private readonly TimeProvider _time;
    private readonly ReminderOptions _options;
    private readonly ILogger<ReminderService> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _refresh;

    public ReminderService(
        GrainFactory factory,
        GrainPlacement placement,
        LocalSilo silo,
        TimeProvider time,
        IOptions<ReminderOptions> options,
        ILogger<ReminderService> logger,
        IReminderTable? table = null)
    {
        _placement = placement;
        _silo = silo;
        _table = table;
        _factory = factory;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    private IReminderTable Table => _table ?? throw new InvalidOperationException(
        "No reminder table is configured; add one to the silo with UseSqliteReminders or UseInMemoryReminders.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_table is null)
        {
            return; // no reminder table configured: registering a reminder says so
        }

        await RefreshAsync(cancellationToken);
        _refresh = _time.CreateTimerWithoutContext(
            static state => _ = ((ReminderService)state!).RefreshSafelyAsync(), this, _options.RefreshPeriod, _options.RefreshPeriod);
    }

    /// <summary>Reads the table again now (the membership changed: this silo's share of the ring may have).</summary>
    public async Task RefreshSafelyAsync()
    {
        if (_table is null || _stopping.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await RefreshAsync(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // a failed refresh is retried at the next period
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogRefreshFailed(_logger, exception);
        }
    }

    /// <summary>Stops firing; the table keeps every reminder for the next start.</summary>
    public void Stop()
    {
        _stopping.Cancel();
        _refresh?.Dispose();
        foreach (var key in _local.Keys)
        {
            if (_local.TryRemove(key, out var reminder))
            {
                reminder.Dispose();
            }
        }
    }

    public async Task<IGrainReminder> RegisterOrUpdateAsync(GrainId grainId, string name, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
        if (period < _options.MinimumReminderPeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period,
                $"A reminder's period must be at least ReminderOptions.MinimumReminderPeriod ({_options.MinimumReminderPeriod}); use a grain timer for shorter periods.");
        }

        var table = Table;
        await _changes.WaitAsync(_stopping.Token);
        try
        {
            var entry = new ReminderEntry(grainId, name, _time.GetUtcNow() + dueTime, period);
            var etag = await table.UpsertRowAsync(entry, _stopping.Token);
            Schedule(entry with { ETag = etag });
            return new GrainReminder(grainId, name, etag);
        }
        finally
        {
            _changes.Release();
        }
    }

    public async Task UnregisterAsync(IGrainReminder reminder)
    {
        if (reminder is not GrainReminder known)
        {
            throw new ArgumentException("Pass a reminder obtained from this runtime.", nameof(reminder));
        }

        var table = Table;
        await _changes.WaitAsync(_stopping.Token);
        try
        {
            // The grain owns its reminders: if the row changed since this handle was made, remove the current one.
            if (!await table.RemoveRowAsync(known.GrainId, known.ReminderName, known.ETag, _stopping.Token)
                && await table.ReadRowAsync(known.GrainId, known.ReminderName, _stopping.Token) is { ETag: { } current })
            {
                await table.RemoveRowAsync(known.GrainId, known.ReminderName, current, _stopping.Token);
            }

            if (_local.TryRemove((known.GrainId, known.ReminderName), out var local))
            {
                local.Dispose();
            }
        }
        finally
        {
            _changes.Release();
        }
    }

    public async Task<IGrainReminder?> GetAsync(GrainId grainId, string name) =>
        await Table.ReadRowAsync(grainId, name, _stopping.Token) is { ETag: { } etag } row ? new GrainReminder(grainId, row.Name, etag) : null;

    public async Task<IReadOnlyList<IGrainReminder>> GetAllAsync(GrainId grainId)
    {
        var rows = await Table.ReadRowsAsync(grainId, _stopping.Token);
        return [.. rows.Select(row => new GrainReminder(grainId, row.Name, row.ETag!))];
    }

    public void Dispose()
    {
        Stop();
        _stopping.Dispose();
        _changes.Dispose();
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            // This silo fires the reminders of its share of the ring; the others fire the rest.
            var rows = (await Table.ReadRangeAsync(0, 0, cancellationToken)).Where(r => _placement.Ring.Owner(r.GrainId) == _silo.Address);
            var seen = new HashSet<(GrainId, string)>();
            foreach (var row in rows)
            {
                seen.Add((row.GrainId, row.Name));
                if (!_local.TryGetValue((row.GrainId, row.Name), out var local) || local.Entry.ETag != row.ETag)
                {
                    Schedule(row);
                }
            }

            foreach (var (key, local) in _local)
            {
                if (!seen.Contains(key) && _local.TryRemove(KeyValuePair.Create(key, local)))
                {
                    local.Dispose(); // removed elsewhere
                }
            }
        }
        finally
        {
            _changes.Release();
        }
    }

    private void Schedule(ReminderEntry entry)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        var key = (entry.GrainId, entry.Name);
        var local = new LocalReminder(entry);
        local.Arm(_time.CreateTimerWithoutContext(static state => _ = ((FireState)state!).FireAsync(), new FireState(this, local), Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan), _time.GetUtcNow());
        _local.AddOrUpdate(key, local, (_, old) =>
        {
            old.Dispose();
            return local;
        });
    }

    private async Task FireAsync(LocalReminder local)
    {
        var key = (local.Entry.GrainId, local.Entry.Name);
        if (!_local.TryGetValue(key, out var current) || !ReferenceEquals(current, local) || _stopping.IsCancellationRequested)
        {
            return;
        }

        var entry = local.Entry;
        try
        {
            var status = new TickStatus(entry.StartAt, entry.Period, local.NextTick);
            await _factory.GetGrain<IRemindable>(entry.GrainId).ReceiveReminder(entry.Name, status);
        }
#pragma warning disable CA1031 // a failed tick is logged; the next one comes at its time
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogTickFailed(_logger, exception, entry.Name, entry.GrainId);
        }

        // Re-arm unless the reminder was replaced or removed meanwhile; ticks missed while this one ran are skipped.
        if (_local.TryGetValue(key, out current) && ReferenceEquals(current, local) && !_stopping.IsCancellationRequested)
        {
            local.ArmAfter(local.NextTick, _time.GetUtcNow());
        }
    }

    private sealed record FireState(ReminderService Service, LocalReminder Reminder)
    {
        public Task FireAsync() => Service.FireAsync(Reminder);
    }

    [LoggerMessage(EventId = 1500, Level = LogLevel.Warning, Message = "Reminder '{Name}' of {Grain} failed.")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, string name, GrainId grain);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Warning, Message = "Reading the reminder table failed; retrying at the next refresh.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
