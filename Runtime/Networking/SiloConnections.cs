using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Optimus.Runtime.Hosting;
using Optimus.Runtime.Messaging;

namespace Optimus.Runtime.Networking;

/// <summary>
/// A silo's connections: it listens on its silo port for other silos and for clients (it is their gateway), keeps
/// one outgoing connection per silo it talks to, and knows each connected client by id so that responses find their
/// way back. A hello is refused when it names another cluster, or a generation of this silo other than this one; a
/// client's also when this silo is on its way out. A client is welcomed with the grain types it may call.
/// </summary>
internal sealed partial class SiloConnections(
    LocalSilo silo,
    Catalog.GrainManifest manifest,
    MessageCodec codec,
    IOptions<SiloOptions> options,
    IOptions<ClusterMembershipOptions> membership,
    ILogger<SiloConnections> logger) : IConnectionOwner, IAsyncDisposable
{
    private const int LinuxSolSocket = 1;
    private const int LinuxSoReuseAddr = 2;
    private readonly ConcurrentDictionary<SiloAddress, Connection> _silos = new();
    private readonly ConcurrentDictionary<Guid, Connection> _clients = new();
    private readonly ConcurrentDictionary<Connection, byte> _all = new();
    private readonly CancellationTokenSource _stopping = new();
    private MessageCenter? _messages;
    private TcpListener? _listener;
    private int _disposed;
    private Welcome? _clientWelcome;

    public string ClusterId => silo.ClusterId;

    /// <summary>
    /// Starts listening on the silo port; incoming messages go to <paramref name="messages"/>. A port another process
    /// listens on is refused, naming the port.
    /// </summary>
    public void Start(MessageCenter messages)
    {
        _messages = messages;
        var port = options.Value.SiloPort;
        var listener = new TcpListener(IPAddress.Any, port);
        if (OperatingSystem.IsLinux())
        {
            // SO_REUSEADDR alone, so that a restarted silo binds while its predecessor's connections linger in
            // TIME_WAIT: Socket's ReuseAddress also sets SO_REUSEPORT there, and two silos then shared one port.
            listener.Server.SetRawSocketOption(LinuxSolSocket, LinuxSoReuseAddr, BitConverter.GetBytes(1));
        }

        try
        {
            listener.Start(512);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new InvalidOperationException(
                $"The silo port {port} is in use by another process: give this silo another one (SiloOptions.SiloPort; the service's --silo-port).", exception);
        }

        _listener = listener;
        _ = AcceptAsync(listener);
    }

    /// <summary>Sends a message to another silo, connecting first if needed.</summary>
    public void Send(SiloAddress target, Message message)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var connection = _silos.GetOrAdd(target, Connect);
            if (connection.Send(message))
            {
                return;
            }

            _silos.TryRemove(KeyValuePair.Create(target, connection)); // closed meanwhile: one fresh try
        }

        Undeliverable(message, NotDelivered.Mark(new SiloUnavailableException($"Silo {target} cannot be reached.")));
    }

    /// <summary>Hands a response to a client connected to this gateway.</summary>
    public void SendToClient(Guid client, Message message)
    {
        if (!_clients.TryGetValue(client, out var connection) || !connection.Send(message))
        {
            LogClientGone(logger, client, message);
        }
    }

    /// <summary>Pings a silo; false when it does not answer in time.</summary>
    public Task<bool> PingAsync(SiloAddress target, TimeSpan timeout) => _silos.GetOrAdd(target, Connect).PingAsync(timeout);

    /// <summary>Forgets a silo declared dead: its connection closes, and whatever was queued for it fails.</summary>
    public async Task ForgetAsync(SiloAddress dead)
    {
        if (_silos.TryRemove(dead, out var connection))
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>Closes every connection and stops listening, at once (a kill, or the end of a stop).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        _listener?.Stop();
        foreach (var connection in _all.Keys)
        {
            await connection.DisposeAsync();
        }

        _stopping.Dispose();
    }

    public bool Admit(Hello hello, out Welcome? welcome, out string refusal)
    {
        refusal = hello.ClusterId != silo.ClusterId ? $"this silo belongs to cluster '{silo.ClusterId}', not '{hello.ClusterId}'"
            : hello.Target is { } target && target != silo.Address ? $"this is {silo.Address}, not {target} (a stale generation)"
            : silo.Status is SiloStatus.Stopped ? "this silo has stopped"
            : silo.Status is SiloStatus.ShuttingDown && hello.Silo is null ? "this silo is shutting down; use another gateway"
            : "";
        welcome = refusal.Length > 0 ? null
            : hello.Silo is null ? _clientWelcome ??= new Welcome(silo.Address, [.. manifest.UniqueGrainTypes()]) // a client: it needs the grain types
            : new Welcome(silo.Address, []);
        return refusal.Length == 0;
    }

    public void Opened(Connection connection)
    {
        _all.TryAdd(connection, 0);
        if (connection.Peer is { Silo: null, Client: var client } && client != Guid.Empty)
        {
            _clients[client] = connection;
        }
    }

    public void Received(Connection connection, Message message)
    {
        if (connection.Peer is { Silo: null, Client: var client } && message.Direction != MessageDirection.Response)
        {
            // A client's request: this silo is its gateway, and the response comes back here first.
            message.Client = client;
            message.SendingSilo = silo.Address;
        }

        _messages?.ReceiveFromNetwork(message);
    }

    public void Undeliverable(Message message, Exception reason) => _messages?.Reject(message, reason);

    public void Closed(Connection connection)
    {
        _all.TryRemove(connection, out _);
        if (connection.Peer is { Silo: { } peer })
        {
            _silos.TryRemove(KeyValuePair.Create(peer, connection));
        }
        else if (connection.Peer is { Client: var client } && client != Guid.Empty)
        {
            _clients.TryRemove(KeyValuePair.Create(client, connection));
        }
    }

    private Connection Connect(SiloAddress target)
    {
        var connection = Connection.Connect(
            target.Host, target.Port, new Hello(silo.ClusterId, silo.Address, Guid.Empty, target), this, codec, logger, membership.Value.ProbeTimeout);
        _all.TryAdd(connection, 0);
        return connection;
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                var socket = await listener.AcceptSocketAsync(_stopping.Token);
                _all.TryAdd(Connection.Accept(socket, this, codec, logger), 0);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(EventId = 1610, Level = LogLevel.Information, Message = "Client {Client} is gone; dropped {Message}.")]
    private static partial void LogClientGone(ILogger logger, Guid client, Message message);
}
