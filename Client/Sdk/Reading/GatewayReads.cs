using System.Collections.Concurrent;
using System.Collections.Immutable;
using Optimus.Client.Http;
using Optimus.Grains;
using Optimus.Runtime;

namespace Optimus.Client.Reading;

/// <summary>
/// Reads over the silos' gateway port: the grain protocol, a fraction of an HTTP request's cost per read on both sides.
/// A <see cref="ClusterClient"/> connects, in the background on the first read, to the silos the service's
/// <c>/cluster</c> lists (asked again every few seconds, so silos that come and go are followed), and calls the silo's
/// router — through the silo that holds the key's shard when the caller knows it. It has no retries of its own: a read
/// it cannot make (no gateway connected yet or any more, a silo gone, a timeout, anything but the service's answer)
/// returns null, and the caller makes it over HTTP under the SDK's one retry policy. Connecting is tried again a second
/// after it failed, then after twice as long each time, up to 30 s.
/// </summary>
internal sealed class GatewayReads(ApiConnection api, OptimusClientOptions options, TimeProvider time) : IAsyncDisposable
{
    private static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(5);
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<SiloAddress, IRouterGrain> _routersVia = new();
    private volatile ClusterClient? _client;
    private volatile IRouterGrain? _router;
    private Task? _connecting;
    private long _failedAt;
    private TimeSpan _reconnectDelay = FirstReconnectDelay; // doubles with each failure to connect
    private bool _disposed;

    /// <summary>Reads one key, through <paramref name="via"/> when given; null when the gateway could not make the read.</summary>
    public async Task<EntryRead?> TryGetAsync(string dataset, string table, string key, string? version, SiloAddress? via, CancellationToken cancellationToken)
    {
        return Router(via) is { } router ? await TryAsync(router.Get(dataset, table, key, version), cancellationToken) : null;
    }

    /// <summary>Reads several keys from one version; null when the gateway could not make the read.</summary>
    public async Task<EntriesRead?> TryGetManyAsync(string dataset, string table, ImmutableArray<string> keys, string? version, CancellationToken cancellationToken)
    {
        return Router(via: null) is { } router ? await TryAsync(router.GetMany(dataset, table, keys, version), cancellationToken) : null;
    }

    public async ValueTask DisposeAsync()
    {
        Task? connecting;
        lock (_lock)
        {
            _disposed = true;
            connecting = _connecting;
        }

        if (connecting is not null)
        {
            await connecting;
        }

        if (_client is { } client)
        {
            await client.DisposeAsync();
        }
    }

    // A problem the service answered is the read's answer: the caller gets it as an OptimusException, as over HTTP.
    // Anything else — a gateway or silo gone, a timeout, a busy store — is null: the read is made over HTTP.
    private static async Task<T?> TryAsync<T>(Task<T> call, CancellationToken cancellationToken) where T : class
    {
        try
        {
            return cancellationToken.CanBeCanceled ? await call.WaitAsync(cancellationToken) : await call;
        }
        catch (ProblemException problem) when (problem.Code != ProblemCodes.Unavailable)
        {
            throw new OptimusException(problem.Code, problem.Message);
        }
#pragma warning disable CA1031 // see above: the read is made again over HTTP, which reports what stays wrong
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private IRouterGrain? Router(SiloAddress? via)
    {
        if (_client is not { } client)
        {
            StartConnecting();
            return null;
        }

        return via is null ? _router : _routersVia.GetOrAdd(via, static (silo, c) => c.Through(silo).GetGrain<IRouterGrain>(IRouterGrain.Key), client);
    }

    private void StartConnecting()
    {
        lock (_lock)
        {
            if (_disposed || _connecting is { IsCompleted: false } || (_failedAt != 0 && time.GetElapsedTime(_failedAt) < _reconnectDelay))
            {
                return;
            }

            _connecting = ConnectAsync();
        }
    }

    private async Task ConnectAsync()
    {
        try
        {
            var first = await ReadClusterAsync(CancellationToken.None);
            var client = await ClusterClient.ConnectAsync(
                async cancellationToken => (await ReadClusterAsync(cancellationToken)).ToSnapshot(),
                o =>
                {
                    o.ClusterId = first.ClusterId;
                    o.MaxAttempts = 1; // the SDK's retry policy decides, over HTTP
                    o.ResponseTimeout = options.RequestTimeout;
                    o.GatewayRefreshPeriod = RefreshPeriod;
                });
            bool disposed;
            lock (_lock)
            {
                disposed = _disposed;
                if (!disposed)
                {
                    _router = client.GetGrain<IRouterGrain>(IRouterGrain.Key);
                    _client = client;
                }
            }

            if (disposed)
            {
                await client.DisposeAsync();
            }
        }
#pragma warning disable CA1031 // without a gateway reads go over HTTP; connecting is tried again later
        catch (Exception)
#pragma warning restore CA1031
        {
            lock (_lock)
            {
                _reconnectDelay = _failedAt == 0 ? FirstReconnectDelay : TimeSpan.FromTicks(Math.Min(MaxReconnectDelay.Ticks, _reconnectDelay.Ticks * 2));
                _failedAt = time.GetTimestamp();
            }
        }
    }

    private async Task<ClusterView> ReadClusterAsync(CancellationToken cancellationToken)
    {
        using var response = await api.SendAsync(server => new HttpRequestMessage(HttpMethod.Get, new Uri(server, "/cluster")), Repeat.Always, cancellationToken, attempts: 1);
        return await ApiConnection.ReadAsync(response, OptimusJsonContext.Default.ClusterView, cancellationToken);
    }
}
