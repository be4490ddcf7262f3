using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Optimus.Runtime.Catalog;
using Optimus.Runtime.Invocation;
using Optimus.Runtime.Membership;

namespace Optimus.Runtime.Testing;

/// <summary>
/// Silos in this process for tests. Alone (the default), one silo: start it, call grains through <see cref="Client"/>,
/// deactivate a grain, stop and restart it over the same storage. <see cref="Clustered"/>, any number of silos on
/// loopback ports that find each other in a membership table (in memory unless the silo configuration names another)
/// and talk over TCP: start more, stop or kill any of them, wait until they agree. SQLite storage goes to one file in
/// <see cref="DataDirectory"/>, a fresh temporary folder unless one is given (to share it between clusters); a folder
/// the cluster made is deleted on dispose.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly Action<ISiloBuilder, TestCluster> _configureSilo;
    private readonly Action<IHostApplicationBuilder>? _configureHost;
    private readonly bool _ownsDataDirectory;
    private readonly InMemoryMembershipTable _membership = new();
    private readonly List<TestSilo> _silos = [];
    private int _started;

    /// <summary>Creates (does not start) a cluster whose silos <paramref name="configureSilo"/> configures.</summary>
    public TestCluster(Action<ISiloBuilder> configureSilo, Action<IHostApplicationBuilder>? configureHost = null, string? dataDirectory = null)
        : this((silo, _) => configureSilo(silo), configureHost, dataDirectory)
    {
    }

    /// <summary>Creates a cluster whose silos are configured knowing the cluster (its <see cref="DataDirectory"/>, say).</summary>
    public TestCluster(Action<ISiloBuilder, TestCluster> configureSilo, Action<IHostApplicationBuilder>? configureHost = null, string? dataDirectory = null)
    {
        _configureSilo = configureSilo;
        _configureHost = configureHost;
        _ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("optimus-test-").FullName;
    }

    /// <summary>Whether the silos form a cluster (membership, a silo port each) rather than run alone. Default: false.</summary>
    public bool Clustered { get; init; }

    /// <summary>How many silos <see cref="StartAsync"/> starts (more than one needs <see cref="Clustered"/>). Default: 1.</summary>
    public int InitialSilos { get; init; } = 1;

    /// <summary>Where the silos' SQLite file and other data live.</summary>
    public string DataDirectory { get; }

    /// <summary>The silos that are running, oldest first.</summary>
    public IReadOnlyList<TestSilo> Silos
    {
        get
        {
            lock (_silos)
            {
                return [.. _silos.Where(s => !s.HasEnded)];
            }
        }
    }

    /// <summary>The first running silo.</summary>
    public TestSilo Primary => Silos is [var first, ..] ? first : throw new InvalidOperationException("The test cluster is not running.");

    /// <summary>The first running silo's services.</summary>
    public IServiceProvider Services => Primary.Services;

    /// <summary>A grain factory for calls from outside any grain, as a client makes them (through the first silo).</summary>
    public IGrainFactory Client => Primary.Client;

    /// <summary>The first running silo.</summary>
    public ILocalSilo Silo => Primary.Silo;

    /// <summary>Starts <see cref="InitialSilos"/> silos, one after the other, and waits until they agree on the cluster.</summary>
    public async Task StartAsync()
    {
        if (InitialSilos > 1 && !Clustered)
        {
            throw new InvalidOperationException("More than one silo needs Clustered = true.");
        }

        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The test cluster is already running.");
        }

        for (var i = 0; i < InitialSilos; i++)
        {
            await StartSiloAsync();
        }

        await WaitForStableAsync();
    }

    /// <summary>Starts one more silo (a cluster's silos find it through the membership table).</summary>
    public async Task<TestSilo> StartSiloAsync()
    {
        if (!Clustered && Silos.Count > 0)
        {
            throw new InvalidOperationException("A test cluster that is not Clustered runs one silo at a time.");
        }

        int number;
        lock (_silos)
        {
            number = _silos.Count + 1;
        }

        var name = $"silo-{number}";
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.Configure<SqliteStorageOptions>(o => o.DataSource = Path.Combine(DataDirectory, "silo.db"));
        _configureHost?.Invoke(builder);
        builder.UseOptimusSilo(silo =>
        {
            if (Clustered)
            {
                silo.UseMembershipTable(_membership).Configure<SiloOptions>(o =>
                {
                    o.SiloName = name;
                    o.SiloPort = LoopbackPort.Free();
                }).Configure<ClusterMembershipOptions>(o =>
                {
                    // Quick to notice a death, so that tests of failure take seconds.
                    o.RefreshPeriod = TimeSpan.FromMilliseconds(250);
                    o.ProbePeriod = TimeSpan.FromMilliseconds(250);
                    o.ProbeTimeout = TimeSpan.FromMilliseconds(500);
                    o.MissedProbesLimit = 2;
                });
            }

            _configureSilo(silo, this);
        });
        var silo = new TestSilo(builder.Build(), name);
        await silo.StartAsync();
        lock (_silos)
        {
            _silos.Add(silo);
        }

        return silo;
    }

    /// <summary>Waits until every running silo sees exactly the running silos as active.</summary>
    public async Task WaitForStableAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var silos = Silos;
            var running = silos.Select(s => s.Address).ToHashSet();
            if (silos.All(s => s.View.Active.Length == running.Count && s.View.Active.All(running.Contains)))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"The silos did not agree on the cluster in time: {string.Join("; ", silos.Select(s => $"{s.Name} sees {s.View}"))}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Connects a <see cref="ClusterClient"/> to a clustered test cluster whose membership is in memory, as a process
    /// outside it would connect (a cluster on PostgreSQL: <see cref="ClusterClient.ConnectAsync(string, Action{ClusterClientOptions}?, Microsoft.Extensions.Logging.ILoggerFactory?, CancellationToken)"/>).
    /// </summary>
    public Task<ClusterClient> ConnectClientAsync(Action<ClusterClientOptions>? configure = null)
    {
        if (!Clustered || Primary.Services.GetRequiredService<IMembershipTable>() != _membership)
        {
            throw new InvalidOperationException("Only a clustered test cluster with its membership in memory has a table to pass in; connect by connection string.");
        }

        return ClusterClient.ConnectAsync(_membership, configure);
    }

    /// <summary>Stops every silo gracefully: running calls finish and every grain deactivates.</summary>
    public async Task StopAsync()
    {
        foreach (var silo in Silos.Reverse())
        {
            await silo.StopAsync();
        }

        lock (_silos)
        {
            _silos.Clear();
        }

        Volatile.Write(ref _started, 0);
    }

    /// <summary>Stops every silo gracefully and starts new ones (new generations) over the same storage.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>Deactivates a grain wherever it is active and waits until it is gone; its next call activates it afresh.</summary>
    public async Task DeactivateAsync(IAddressable grain)
    {
        var id = IdOf(grain);
        foreach (var silo in Silos)
        {
            await silo.Silo.DeactivateAsync(id);
        }
    }

    /// <summary>The ids of the live activations of a grain on the running silos (several for a stateless worker).</summary>
    public IReadOnlyList<long> GetActivationIds(IAddressable grain)
    {
        var id = IdOf(grain);
        return [.. Silos.SelectMany(s => s.Services.GetRequiredService<Catalog.Catalog>().Find(id)).Select(a => a.Id)];
    }

    /// <summary>The running silo where a grain is active, or null when it is active nowhere.</summary>
    public TestSilo? FindActivation(IAddressable grain)
    {
        var id = IdOf(grain);
        return Silos.FirstOrDefault(s => s.Services.GetRequiredService<Catalog.Catalog>().Find(id).Any());
    }

    private static GrainId IdOf(IAddressable grain) =>
        grain is GrainReference reference ? reference.GrainId : throw new ArgumentException("Pass a grain reference.", nameof(grain));

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
