using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Optimus.Runtime.Hosting;
using Optimus.Runtime.Messaging;
using Optimus.Runtime.Networking;
using Optimus.Runtime.Placement;

namespace Optimus.Runtime.Membership;

/// <summary>
/// This silo's part in membership. It joins (a <c>Joining</c> row), becomes <c>Active</c>, says it is alive, and reads
/// the table every refresh period; each new table version becomes the snapshot that placement, the transport, the
/// pending calls and the catalog act on. It pings the few peers it watches and, after enough missed pings, votes them
/// dead (see <see cref="SuspicionRules"/> for how many votes it takes). A silo that reads itself dead halts at once.
/// Every change to the table is a compare-and-swap; a lost race is simply tried again.
/// </summary>
internal sealed partial class MembershipService(
    IMembershipTable table,
    LocalSilo silo,
    SiloConnections connections,
    GrainPlacement placement,
    CallbackTable callbacks,
    Catalog.Catalog catalog,
    IOptions<ClusterMembershipOptions> options,
    TimeProvider time,
    ILogger<MembershipService> logger) : IDisposable
{
    private readonly ClusterMembershipOptions _options = options.Value;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<SiloAddress, int> _missed = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _applying = new();
    private Task _refreshing = Task.CompletedTask;
    private MembershipSnapshot _snapshot = MembershipSnapshot.Standalone(silo.Address) with { Version = -1 };
    private ITimer? _refresh;
    private ITimer? _heartbeat;
    private ITimer? _probe;
    private int _halted;
    private bool _leaving;
    private bool _departing;

    /// <summary>Raised after each new snapshot has been applied.</summary>
    public event Action<MembershipSnapshot>? Changed;

    public MembershipSnapshot Current => _snapshot;

    /// <summary>Adds this silo to the table as Joining.</summary>
    public async Task JoinAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var entry = new MembershipEntry(silo.Address, MembershipStatus.Joining, silo.Name, now, now, []);
        while (true)
        {
            var data = await table.ReadAllAsync(cancellationToken);
            if (data.Find(silo.Address) is not null || await table.InsertRowAsync(entry, data.Version, cancellationToken))
            {
                LogJoined(logger, silo.Address);
                return;
            }
        }
    }

    /// <summary>Marks this silo Active, applies the table, and starts refreshing, heartbeating and probing.</summary>
    public async Task ActivateAsync(CancellationToken cancellationToken)
    {
        await SetOwnStatusAsync(MembershipStatus.Active, cancellationToken);
        await RefreshAsync(cancellationToken);
        placement.OnRefreshView(RefreshNowAsync);
        _refresh = time.CreateTimerWithoutContext(static s => _ = ((MembershipService)s!).TickAsync(m => m.RefreshAsync(m._stopping.Token)), this, _options.RefreshPeriod, _options.RefreshPeriod);
        _heartbeat = time.CreateTimerWithoutContext(static s => _ = ((MembershipService)s!).TickAsync(m => m.HeartbeatAsync()), this, _options.IAmAlivePeriod, _options.IAmAlivePeriod);
        _probe = time.CreateTimerWithoutContext(static s => _ = ((MembershipService)s!).TickAsync(m => m.ProbeAsync()), this, _options.ProbePeriod, _options.ProbePeriod);
    }

    /// <summary>Says this silo is leaving (ShuttingDown): peers stop sending it work, and it stops owning grains.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        _leaving = true;
        await SetOwnStatusAsync(MembershipStatus.ShuttingDown, cancellationToken);
        await RefreshAsync(cancellationToken);
    }

    /// <summary>Ends this silo's membership on a clean stop: its row becomes Dead and the timers stop.</summary>
    public async Task DepartAsync(CancellationToken cancellationToken)
    {
        _departing = true;
        Halt();
        await SetOwnStatusAsync(MembershipStatus.Dead, cancellationToken);
    }

    /// <summary>Stops every timer at once, writing nothing (a kill, or a silo that found itself dead).</summary>
    public void Halt()
    {
        if (Interlocked.Exchange(ref _halted, 1) != 0)
        {
            return; // a kill, then the host's disposal: the second finds everything stopped
        }

        _stopping.Cancel();
        _refresh?.Dispose();
        _heartbeat?.Dispose();
        _probe?.Dispose();
    }

    public void Dispose()
    {
        Halt();
        _stopping.Dispose();
        _gate.Dispose();
    }

    private async Task TickAsync(Func<MembershipService, Task> work)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await work(this);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            LogTickFailed(logger, exception);
        }
    }

    private async Task SetOwnStatusAsync(MembershipStatus status, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var data = await table.ReadAllAsync(cancellationToken);
                var row = data.Find(silo.Address) ?? throw new InvalidOperationException($"Silo {silo.Address} is not in the membership table.");
                if (row.Entry.Status == MembershipStatus.Dead && status != MembershipStatus.Dead)
                {
                    HaltDeclaredDead();
                    throw new SiloUnavailableException($"Silo {silo.Address} was declared dead by its peers.");
                }

                if (row.Entry.Status == status
                    || await table.UpdateRowAsync(row.Entry with { Status = status, IAmAliveAt = time.GetUtcNow() }, row.ETag, data.Version, cancellationToken))
                {
                    return;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    // Reads the table now, for a request whose sender's view may be newer; callers that come while a read is under way
    // share it.
    private Task RefreshNowAsync()
    {
        lock (_applying)
        {
            if (_refreshing.IsCompleted)
            {
                _refreshing = TickAsync(m => m.RefreshAsync(m._stopping.Token));
            }

            return _refreshing;
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var data = await table.ReadAllAsync(cancellationToken);
        Apply(data);
    }

    private void Apply(MembershipTableData data)
    {
        lock (_applying)
        {
            ApplyLocked(data);
        }
    }

    private void ApplyLocked(MembershipTableData data)
    {
        var own = data.Find(silo.Address);
        if (own?.Entry.Status == MembershipStatus.Dead && !_departing)
        {
            HaltDeclaredDead();
            return;
        }

        var snapshot = MembershipSnapshot.From(data);
        var previous = _snapshot;
        if (snapshot.Version <= previous.Version)
        {
            return;
        }

        _snapshot = snapshot;

        // A silo on its way out leaves its own ring first, so that it passes requests on instead of taking them.
        placement.Update(_leaving ? snapshot with { Silos = snapshot.Silos.SetItem(silo.Address, MembershipStatus.ShuttingDown) } : snapshot);
        foreach (var (member, status) in snapshot.Silos)
        {
            if (status == MembershipStatus.Dead && previous.StatusOf(member) != MembershipStatus.Dead && member != silo.Address)
            {
                LogDeclaredDead(logger, member);
                callbacks.FailCallsTo(member, $"Silo {member} was declared dead");
                _ = connections.ForgetAsync(member);
            }
        }

        catalog.OnPlacementChanged();
        LogView(logger, snapshot);
        Changed?.Invoke(snapshot);
    }

    private Task HeartbeatAsync() => table.UpdateIAmAliveAsync(silo.Address, time.GetUtcNow(), _stopping.Token);

    // Pings the next few active silos after this one, in address order, so that every silo is watched by a few others.
    private async Task ProbeAsync()
    {
        var others = _snapshot.Active.Where(s => s != silo.Address).ToList(); // in address order
        var next = others.FindIndex(s => string.CompareOrdinal(s.ToString(), silo.Address.ToString()) > 0);
        var watched = Enumerable.Range(0, Math.Min(_options.ProbedSilos, others.Count))
            .Select(i => others[(Math.Max(next, 0) + i) % others.Count])
            .ToList();
        var answers = await Task.WhenAll(watched.Select(s => connections.PingAsync(s, _options.ProbeTimeout)));
        for (var i = 0; i < watched.Count; i++)
        {
            var missed = answers[i] ? 0 : _missed.GetValueOrDefault(watched[i]) + 1;
            _missed[watched[i]] = missed;
            if (missed >= _options.MissedProbesLimit)
            {
                LogSuspect(logger, watched[i], missed);
                await VoteAsync(watched[i]);
            }
        }

        foreach (var gone in _missed.Keys.Except(watched).ToList())
        {
            _missed.Remove(gone);
        }
    }

    private async Task VoteAsync(SiloAddress suspect)
    {
        await _gate.WaitAsync(_stopping.Token);
        try
        {
            var data = await table.ReadAllAsync(_stopping.Token);
            if (data.Find(suspect) is not { } row || row.Entry.Status == MembershipStatus.Dead)
            {
                return;
            }

            var updated = SuspicionRules.Vote(row.Entry, silo.Address, time.GetUtcNow(), data, _options.VoteExpiration);
            if (await table.UpdateRowAsync(updated, row.ETag, data.Version, _stopping.Token) && updated.Status == MembershipStatus.Dead)
            {
                LogVotedDead(logger, suspect, updated.Suspicions.Length);
            }

            Apply(await table.ReadAllAsync(_stopping.Token));
        }
        finally
        {
            _gate.Release();
        }
    }

    private void HaltDeclaredDead()
    {
        LogFoundDead(logger, silo.Address);
        Halt();
        silo.Halt("it was declared dead by its peers");
    }

    [LoggerMessage(EventId = 1700, Level = LogLevel.Information, Message = "Silo {Silo} joined the cluster.")]
    private static partial void LogJoined(ILogger logger, SiloAddress silo);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Information, Message = "Membership {Snapshot}.")]
    private static partial void LogView(ILogger logger, MembershipSnapshot snapshot);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Warning, Message = "Silo {Silo} missed {Missed} probes in a row: voting it dead.")]
    private static partial void LogSuspect(ILogger logger, SiloAddress silo, int missed);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Warning, Message = "Declared silo {Silo} dead ({Votes} votes).")]
    private static partial void LogVotedDead(ILogger logger, SiloAddress silo, int votes);

    [LoggerMessage(EventId = 1704, Level = LogLevel.Warning, Message = "Silo {Silo} is dead: failing its pending calls and closing its connection.")]
    private static partial void LogDeclaredDead(ILogger logger, SiloAddress silo);

    [LoggerMessage(EventId = 1705, Level = LogLevel.Critical, Message = "Silo {Silo} found itself declared dead: halting at once.")]
    private static partial void LogFoundDead(ILogger logger, SiloAddress silo);

    [LoggerMessage(EventId = 1706, Level = LogLevel.Warning, Message = "A membership task failed; it runs again at its next period.")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
