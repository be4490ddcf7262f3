using System.Text.Json;
using Optimus.Tests;
using Xunit;

namespace Optimus.Client.Tests;

/// <summary>The CLI against three silo processes on one PostgreSQL, one of them killed (SIGKILL) in the middle of a load.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterLoadTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ALoad_Completes_AndVerifies_ThoughTheSiloItTalksToIsKilledMidway()
    {
        await using var cluster = await SiloCluster.StartAsync(await postgres.Server.CreateDatabaseAsync(), 3);
        var servers = string.Join(",", cluster.Silos.Select(s => $"http://127.0.0.1:{s.Port}"));
        using var files = new InputFiles();
        var path = files.Write("scores.tsv", Enumerable.Range(0, 300_000).Select(i => $"user:{i:D8}\t{{\"i\":{i}}}"));
        var dataset = OptimusApi.NewName();
        Assert.Equal(0, (await Cli.RunAsync("datasets", "create", dataset, "-t", "t", "--server", servers)).ExitCode);

        // Small batches, few at a time: the load is still running when its first server dies.
        var load = Cli.RunAsync("load", "-d", dataset, "-t", $"t={path}", "--expected-entries", "1000000", "--batch-size", "500", "--parallel", "2",
            "--publish", "--json", "--server", servers);
        await Task.Delay(1500);
        Assert.False(load.IsCompleted, "the load ended before the kill; make it longer");
        await cluster.Silos[0].KillAsync();

        var result = await load;
        Assert.True(result.ExitCode == 0, result.Error);
        var report = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal("PUBLISHED", report.GetProperty("status").GetString());
        using var client = new OptimusClient(new OptimusClientOptions { Servers = { new Uri($"http://127.0.0.1:{cluster.Silos[1].Port}") } });
        var version = await client.GetVersionAsync(report.GetProperty("version").GetString()!);
        Assert.Equal(300_000, version.Tables!["t"].Entries); // verified by the save against what the CLI counted
        var read = await client.GetManyAsync(dataset, "t", [.. Enumerable.Range(0, 300).Select(i => $"user:{i * 997:D8}")]);
        Assert.Equal(version.Id, read.Version);
        Assert.Equal(300, read.Found.Count);
    }
}
