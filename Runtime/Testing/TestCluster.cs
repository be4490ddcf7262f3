using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Optimus.Runtime.Catalog;
using Optimus.Runtime.Invocation;

namespace Optimus.Runtime.Testing;

/// <summary>
/// A silo in this process for tests: start it, call grains through <see cref="Client"/>, deactivate a grain, stop and
/// restart the silo over the same storage. SQLite storage goes to <see cref="DataDirectory"/>, a fresh temporary
/// folder unless one is given (to share it between clusters); a folder the cluster made is deleted on dispose.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly Action<ISiloBuilder, TestCluster> _configureSilo;
    private readonly Action<IHostApplicationBuilder>? _configureHost;
    private readonly bool _ownsDataDirectory;
    private IHost? _host;

    /// <summary>Creates (does not start) a cluster whose silo <paramref name="configureSilo"/> configures.</summary>
    public TestCluster(Action<ISiloBuilder> configureSilo, Action<IHostApplicationBuilder>? configureHost = null, string? dataDirectory = null)
        : this((silo, _) => configureSilo(silo), configureHost, dataDirectory)
    {
    }

    /// <summary>Creates a cluster whose silo is configured knowing the cluster (its <see cref="DataDirectory"/>, say).</summary>
    public TestCluster(Action<ISiloBuilder, TestCluster> configureSilo, Action<IHostApplicationBuilder>? configureHost = null, string? dataDirectory = null)
    {
        _configureSilo = configureSilo;
        _configureHost = configureHost;
        _ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("optimus-test-").FullName;
    }

    /// <summary>Where the silo's SQLite file and other data live.</summary>
    public string DataDirectory { get; }

    /// <summary>The running silo's services.</summary>
    public IServiceProvider Services => _host?.Services ?? throw new InvalidOperationException("The test cluster is not running.");

    /// <summary>A grain factory for calls from outside any grain, as a client makes them.</summary>
    public IGrainFactory Client => Services.GetRequiredService<IGrainFactory>();

    /// <summary>The running silo.</summary>
    public ILocalSilo Silo => Services.GetRequiredService<ILocalSilo>();

    /// <summary>Starts the silo.</summary>
    public async Task StartAsync()
    {
        if (_host is not null)
        {
            throw new InvalidOperationException("The test cluster is already running.");
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.Configure<SqliteStorageOptions>(o => o.DataSource = Path.Combine(DataDirectory, "silo.db"));
        _configureHost?.Invoke(builder);
        builder.UseOptimusSilo(silo => _configureSilo(silo, this));
        var host = builder.Build();
        await host.StartAsync();
        _host = host;
    }

    /// <summary>Stops the silo gracefully: running calls finish and every grain deactivates.</summary>
    public async Task StopAsync()
    {
        if (_host is not { } host)
        {
            return;
        }

        _host = null;
        await host.StopAsync();
        await DisposeAsync(host);
    }

    /// <summary>Stops the silo gracefully and starts a new one (a new generation) over the same storage.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>Deactivates a grain and waits until it is gone; its next call activates it afresh.</summary>
    public Task DeactivateAsync(IAddressable grain)
    {
        var id = grain is GrainReference reference ? reference.GrainId : throw new ArgumentException("Pass a grain reference.", nameof(grain));
        return Silo.DeactivateAsync(id);
    }

    /// <summary>The ids of the live activations of a grain on this silo (several for a stateless worker).</summary>
    public IReadOnlyList<long> GetActivationIds(IAddressable grain)
    {
        var id = grain is GrainReference reference ? reference.GrainId : throw new ArgumentException("Pass a grain reference.", nameof(grain));
        return [.. Services.GetRequiredService<Catalog.Catalog>().Find(id).Select(a => a.Id)];
    }

    private static async ValueTask DisposeAsync(IHost host)
    {
        if (host is IAsyncDisposable asynchronous)
        {
            await asynchronous.DisposeAsync(); // some services (the PostgreSQL data source) only dispose asynchronously
        }
        else
        {
            host.Dispose();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_ownsDataDirectory)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open (SQLite's pool) only delays cleanup of a temporary folder.
            }
        }
    }
}
