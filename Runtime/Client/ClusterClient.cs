using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Optimus.Runtime.Client;
using Optimus.Runtime.Invocation;
using Optimus.Runtime.Membership;
using Optimus.Runtime.Messaging;
using Optimus.Runtime.Persistence;
using Optimus.Runtime.Serialization;

namespace Optimus.Runtime;

/// <summary>
/// A process outside the cluster that calls its grains. It finds the gateways — the active silos — in the cluster's
/// membership table (or in a list the caller reads for it), connects to each, spreads calls over them, follows silos
/// as they come and go, and makes a call again when a gateway or silo failed it and that is safe: the method is
/// read-only, or the call never left this process. Other calls fail with <see cref="SiloUnavailableException"/> for
/// the caller to decide. A caller that knows which silo holds a grain can send its calls there (<see cref="Through"/>).
/// </summary>
public sealed class ClusterClient : IGrainFactory, IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly ClientGateways _gateways;
    private readonly GrainFactory _factory;
    private readonly IAsyncDisposable? _database;
    private readonly ConcurrentDictionary<SiloAddress, GrainFactory> _through = new();

    private ClusterClient(ServiceProvider services, ClientGateways gateways, IAsyncDisposable? database)
    {
        _services = services;
        _gateways = gateways;
        _factory = services.GetRequiredService<GrainFactory>();
        _database = database;
    }

    /// <summary>The gateways new calls go to.</summary>
    public IReadOnlyList<SiloAddress> Gateways => _gateways.Connected;

    /// <summary>Connects to the cluster whose membership table is in the PostgreSQL database of <paramref name="connectionString"/>.</summary>
    public static async Task<ClusterClient> ConnectAsync(
        string connectionString, Action<ClusterClientOptions>? configure = null, ILoggerFactory? loggers = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var options = Configure(configure);
        var database = new PostgresDatabase(new PostgresStorageOptions { ConnectionString = connectionString });
        try
        {
            return await ConnectAsync(new SqlMembershipTable(database, options.ClusterId), options, loggers, database, cancellationToken);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Connects to the gateways that <paramref name="readSilos"/> lists: the cluster as something other than its
    /// membership table tells it (a service's own API, say), read again every
    /// <see cref="ClusterClientOptions.GatewayRefreshPeriod"/>. Its active silos take calls; a silo it lists as shutting
    /// down answers what it took; one it lists as dead, or no longer lists, is let go.
    /// </summary>
    public static Task<ClusterClient> ConnectAsync(
        Func<CancellationToken, Task<MembershipSnapshot>> readSilos, Action<ClusterClientOptions>? configure = null, ILoggerFactory? loggers = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(readSilos);
        return ConnectAsync(readSilos, Configure(configure), loggers, database: null, cancellationToken);
    }

    /// <summary>Connects through any membership table (the test cluster's in-memory one, say).</summary>
    internal static Task<ClusterClient> ConnectAsync(IMembershipTable table, Action<ClusterClientOptions>? configure) =>
        ConnectAsync(table, Configure(configure), loggers: null, database: null, CancellationToken.None);

    private static Task<ClusterClient> ConnectAsync(
        IMembershipTable table, ClusterClientOptions options, ILoggerFactory? loggers, IAsyncDisposable? database, CancellationToken cancellationToken) =>
        ConnectAsync(async token => MembershipSnapshot.From(await table.ReadAllAsync(token)), options, loggers, database, cancellationToken);

    private static async Task<ClusterClient> ConnectAsync(
        Func<CancellationToken, Task<MembershipSnapshot>> readSilos, ClusterClientOptions options, ILoggerFactory? loggers, IAsyncDisposable? database,
        CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddSingleton(options);
        services.AddSingleton(loggers ?? NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(options.Serialization));
        services.AddSingleton(Options.Create(new MessagingOptions { ResponseTimeout = options.ResponseTimeout }));
        services.AddSingleton<InterfaceRegistry>();
        services.AddSingleton<GrainCodec>();
        services.AddSingleton<MessageCodec>();
        services.AddSingleton(sp => new CallbackTable(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<MessagingOptions>>(), sp.GetRequiredService<ILogger<CallbackTable>>()));
        services.AddSingleton<ClientManifest>();
        services.AddSingleton<ClientRuntime>();
        services.AddSingleton(sp => new GrainFactory(sp.GetRequiredService<ClientRuntime>(), sp.GetRequiredService<ClientManifest>()));
        var provider = services.BuildServiceProvider();
        var runtime = provider.GetRequiredService<ClientRuntime>();
        var gateways = new ClientGateways(
            readSilos, options, Guid.NewGuid(), provider.GetRequiredService<MessageCodec>(), provider.GetRequiredService<ClientManifest>(), runtime,
            provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<ClusterClient>>());
        runtime.Gateways = gateways;
        try
        {
            await gateways.StartAsync(cancellationToken);
            return new ClusterClient(provider, gateways, database);
        }
        catch
        {
            await gateways.DisposeAsync();
            await provider.DisposeAsync();
            throw;
        }
    }

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey => _factory.GetGrain<TGrainInterface>(key);

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId) where TGrainInterface : IAddressable => _factory.GetGrain<TGrainInterface>(grainId);

    /// <summary>
    /// References whose calls go through <paramref name="gateway"/> while it is connected, and through any gateway when
    /// it is not: a caller that knows which silo holds a grain (or serves what it asks for) spares the silos a hop.
    /// </summary>
    public IGrainFactory Through(SiloAddress gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        return _through.GetOrAdd(gateway, static (silo, client) => new GrainFactory(
            new GatewayBoundRuntime(client._services.GetRequiredService<ClientRuntime>(), silo), client._services.GetRequiredService<ClientManifest>()), this);
    }

    /// <summary>Closes every connection; calls still waiting fail.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gateways.DisposeAsync();
        _services.GetRequiredService<CallbackTable>().FailAll(call =>
            new SiloUnavailableException($"The client closed before {call.Request.TargetGrain}.{call.Request.MethodName} answered."));
        await _services.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private static ClusterClientOptions Configure(Action<ClusterClientOptions>? configure)
    {
        var options = new ClusterClientOptions();
        configure?.Invoke(options);
        var result = new Hosting.OptionsValidator<ClusterClientOptions>().Validate(null, options);
        return result.Failed ? throw new OptionsValidationException(nameof(ClusterClientOptions), typeof(ClusterClientOptions), result.Failures) : options;
    }
}
