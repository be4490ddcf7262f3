using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Optimus.Runtime;
using Optimus.Runtime.Testing;

namespace Optimus.Grains.Tests;

/// <summary>An in-process silo hosting Optimus over SQLite, with its data in the cluster's temporary folder.</summary>
public static class OptimusCluster
{
    public static async Task<TestCluster> StartAsync(string? dataDirectory = null)
    {
        var cluster = new TestCluster(
            (silo, cluster) => silo.AddOptimus(o => o.DataDirectory = cluster.DataDirectory).AddSqliteGrainStorage().UseSqliteReminders(),
            dataDirectory: dataDirectory);
        await cluster.StartAsync();
        return cluster;
    }

    /// <summary>
    /// Silos in a cluster on one PostgreSQL database: grain state, reminders, membership and shards all in it, and each
    /// silo with a data directory of its own (its copies of segments) under the cluster's folder.
    /// </summary>
    public static TestCluster OnPostgres(string connectionString, int silos) => new(
        (silo, cluster) =>
        {
            silo.AddOptimus().UsePostgres(connectionString).UsePostgresClustering().StoreShardsInPostgres();
            silo.Services.AddOptions<OptimusOptions>().Configure<IOptions<SiloOptions>>(
                (optimus, self) => optimus.DataDirectory = Path.Combine(cluster.DataDirectory, self.Value.SiloName));
        })
    {
        Clustered = true,
        InitialSilos = silos,
    };

    public static string NewName() => "ds-" + Guid.NewGuid().ToString("N")[..12];
}
