using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Optimus.Runtime.Messaging;
using Optimus.Runtime.Networking;

namespace Optimus.Runtime.Client;

/// <summary>
/// A client's connections to the cluster: one to each active silo, as its source lists them (the membership table,
/// or whatever the client was given), read again every refresh period — new silos are connected, silos that leave or
/// die are let go. Calls go to the gateway they ask for when it is connected, else round-robin over the connections
/// whose handshake is done. The client only connects; it never accepts.
/// </summary>
internal sealed partial class ClientGateways(
    Func<CancellationToken, Task<MembershipSnapshot>> readSilos,
    ClusterClientOptions options,
    Guid clientId,
    MessageCodec codec,
    ClientManifest manifest,
    ClientRuntime runtime,
    TimeProvider time,
    ILogger logger) : IConnectionOwner, IAsyncDisposable
{
    private readonly ConcurrentDictionary<SiloAddress, Connection> _gateways = new();
    private readonly CancellationTokenSource _stopping = new();
    private volatile HashSet<SiloAddress> _active = [];
    private volatile Connection[] _ready = [];
    private ITimer? _refresh;
    private int _next;
    private string? _lastRefusal;

    public string ClusterId => options.ClusterId;

    /// <summary>The gateways that take new calls: connected, and active at the last reading of the table.</summary>
    public IReadOnlyList<SiloAddress> Connected => [.. _ready.Select(c => c.Peer!.Silo!)];

    /// <summary>Connects to the active silos and waits until one of them has welcomed the client.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        var deadline = DateTime.UtcNow + options.ConnectTimeout;
        while (Connected.Count == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new SiloUnavailableException(
                    $"No gateway of cluster '{options.ClusterId}' answered within {options.ConnectTimeout}" +
                    (_active.Count == 0 ? "; no silo is listed as active." : $" ({_lastRefusal ?? "no answer"})."));
            }

            await Task.Delay(20, cancellationToken);
        }

        _refresh = time.CreateTimerWithoutContext(
            static state => _ = ((ClientGateways)state!).RefreshSafelyAsync(), this, options.GatewayRefreshPeriod, options.GatewayRefreshPeriod);
    }

    /// <summary>Queues a request on <paramref name="via"/> when it is connected, else on the next connected gateway; false when none is.</summary>
    public bool TrySend(Message request, SiloAddress? via = null)
    {
        var ready = _ready;
        if (via is not null)
        {
            foreach (var gateway in ready)
            {
                if (gateway.Peer!.Silo == via)
                {
                    request.TargetSilo = via;
                    if (gateway.Send(request))
                    {
                        return true;
                    }
                }
            }
        }

        for (var tried = 0; tried < ready.Length; tried++)
        {
            var gateway = ready[(int)((uint)Interlocked.Increment(ref _next) % ready.Length)];
            request.TargetSilo = gateway.Peer!.Silo; // the gateway: if it goes, the call is failed at once
            if (gateway.Send(request))
            {
                return true;
            }
        }

        return false;
    }

    public bool Admit(Hello hello, out Welcome? welcome, out string refusal)
    {
        welcome = null;
        refusal = "a client accepts no connections";
        return false;
    }

    public void Opened(Connection connection)
    {
        manifest.Update(connection.Welcome!);
        UpdateReady();
        LogConnected(logger, connection.Peer!.Silo!);
    }

    public void Received(Connection connection, Message message)
    {
        if (message.Direction == MessageDirection.Response)
        {
            runtime.OnResponse(message);
        }
    }

    public void Undeliverable(Message message, Exception reason) => runtime.OnNotSent(message, reason);

    public void Closed(Connection connection)
    {
        if (connection.Ready.IsFaulted)
        {
            _lastRefusal = connection.Ready.Exception!.InnerException!.Message; // why connecting failed, for the caller of StartAsync
        }

        foreach (var (gateway, known) in _gateways)
        {
            if (known == connection && _gateways.TryRemove(KeyValuePair.Create(gateway, known)))
            {
                UpdateReady();
                runtime.OnGatewayLost(gateway);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }

        foreach (var connection in _gateways.Values)
        {
            await connection.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private async Task RefreshSafelyAsync()
    {
        try
        {
            await RefreshAsync(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // the table may be away for a moment: the next period reads it again
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogRefreshFailed(logger, exception);
        }
    }

    // Connects to every active silo not yet connected; a gateway no longer active takes no new calls, and one that is
    // dead or gone from the list is let go. A gateway that is shutting down closes the connection itself once it has
    // answered what it took.
    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var silos = await readSilos(cancellationToken);
        var active = silos.Active.ToHashSet();
        _active = active;
        UpdateReady();
        foreach (var silo in active)
        {
            if (!_gateways.ContainsKey(silo))
            {
                _gateways.TryAdd(silo, Connection.Connect(
                    silo.Host, silo.Port, new Hello(options.ClusterId, null, clientId, silo), this, codec, logger, options.ConnectTimeout));
            }
        }

        foreach (var (gateway, connection) in _gateways)
        {
            if (!active.Contains(gateway) && silos.StatusOf(gateway) is null or MembershipStatus.Dead)
            {
                await connection.DisposeAsync(); // its pending calls fail at once (Closed)
            }
        }
    }

    private void UpdateReady() =>
        _ready = [.. _gateways.Where(g => _active.Contains(g.Key) && g.Value.Ready.IsCompletedSuccessfully && !g.Value.IsClosed).Select(g => g.Value)];

    [LoggerMessage(EventId = 1800, Level = LogLevel.Information, Message = "Connected to gateway {Gateway}.")]
    private static partial void LogConnected(ILogger logger, SiloAddress gateway);

    [LoggerMessage(EventId = 1801, Level = LogLevel.Warning, Message = "Reading the list of gateways failed; it is read again at the next period.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
