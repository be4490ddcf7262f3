using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Optimus.Runtime.Hosting;

namespace Optimus.Runtime.Testing;

/// <summary>
/// One silo of a <see cref="TestCluster"/>, in its own host in this process: call grains through it, stop it
/// gracefully, or kill it (it stops answering at once, as a process that died would, and writes nothing more).
/// </summary>
public sealed class TestSilo
{
    private readonly IHost _host;
    private int _ended;

    internal TestSilo(IHost host, string name)
    {
        _host = host;
        Name = name;
    }

    /// <summary>The name the silo has in the membership table and in logs.</summary>
    public string Name { get; }

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The silo as operators see it: address, status, activation count.</summary>
    public ILocalSilo Silo => Services.GetRequiredService<ILocalSilo>();

    /// <summary>The silo's address (host, port and generation); still known once the silo has ended.</summary>
    public SiloAddress Address { get; private set; } = null!; // set by StartAsync

    /// <summary>A grain factory whose calls enter the cluster through this silo.</summary>
    public IGrainFactory Client => Services.GetRequiredService<IGrainFactory>();

    /// <summary>Whether the silo has stopped or been killed.</summary>
    public bool HasEnded => Volatile.Read(ref _ended) != 0;

    /// <summary>The cluster as this silo sees it (a silo alone sees itself).</summary>
    public MembershipSnapshot View => Silo.Membership;

    internal async Task StartAsync()
    {
        Address = Silo.Address;
        await _host.StartAsync();
    }

    /// <summary>Stops the silo gracefully: it leaves the cluster, running calls finish and its grains move on.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        await _host.StopAsync();
        await DisposeHostAsync();
    }

    /// <summary>
    /// Kills the silo: no draining, no deactivation, no goodbye in the membership table. Its peers find out by its
    /// silence, as they would about a process that died.
    /// </summary>
    public async Task KillAsync()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        Services.GetRequiredService<LocalSilo>().Halt("killed by the test");
        await DisposeHostAsync();
    }

    private async ValueTask DisposeHostAsync()
    {
        if (_host is IAsyncDisposable asynchronous)
        {
            await asynchronous.DisposeAsync(); // some services (the PostgreSQL data source) only dispose asynchronously
        }
        else
        {
            _host.Dispose();
        }
    }

    public override string ToString() => $"{Name} {Address}";
}
