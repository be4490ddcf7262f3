using Microsoft.Extensions.Hosting;
using Optimus.Runtime.Testing;

namespace Optimus.Runtime.Tests.Support;

/// <summary>Starts test clusters hosting this assembly's grains, with SQLite storage and reminders in the cluster's folder.</summary>
public static class Silos
{
    public static async Task<TestCluster> StartAsync(Action<ISiloBuilder>? configure = null, string? dataDirectory = null,
        Action<IHostApplicationBuilder>? configureHost = null)
    {
        var cluster = new TestCluster(
            silo =>
            {
                silo.AddGrains(typeof(Silos).Assembly).AddSqliteGrainStorage().UseSqliteReminders();
                configure?.Invoke(silo);
            },
            configureHost,
            dataDirectory);
        await cluster.StartAsync();
        return cluster;
    }

    public static string NewKey() => Guid.NewGuid().ToString("N");

    /// <summary>Collects activations idle for <paramref name="age"/>, looking every 100 ms.</summary>
    public static Action<ISiloBuilder> FastCollection(TimeSpan age) => silo => silo.Configure<GrainCollectionOptions>(o =>
    {
        o.CollectionAge = age;
        o.CollectionQuantum = TimeSpan.FromMilliseconds(100);
    });

    /// <summary>Fails expired calls within 100 ms of their deadline instead of a second.</summary>
    public static void FastTimeouts(ISiloBuilder silo) =>
        silo.Configure<MessagingOptions>(o => o.TimeoutSweepPeriod = TimeSpan.FromMilliseconds(100));
}
