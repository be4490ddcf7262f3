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

    public static string NewName() => "ds-" + Guid.NewGuid().ToString("N")[..12];
}
