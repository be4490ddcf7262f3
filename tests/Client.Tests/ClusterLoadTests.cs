using System.Text.Json;
using Optimus.Tests;
using Xunit;

namespace Optimus.Client.Tests;

/// <summary>The CLI against three silo processes on one PostgreSQL, one of them killed (SIGKILL) in the middle of a load of a million lines.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterLoadTests(PostgresFixture postgres)
{
    [Fact]
    public async Task AMillionLineLoad_IntoTwoTables_Completes_AndVerifies_ThoughTheSiloItTalksToIsKilledMidway()
    {
        await using var cluster = await SiloCluster.StartAsync(await postgres.Server.CreateDatabaseAsync(), 3);
        var servers = string.Join(",", cluster.Silos.Select(s => $"http://127.0.0.1:{s.Port}"));
        using var files = new InputFiles();
        var first = files.Write("first.tsv", Enumerable.Range(0, 600_000).Select(i => $"user:{i:D8}\t{{\"i\":{i}}}"));
        var second = files.Write("second.tsv.gz", Enumerable.Range(0, 400_000).Select(i => $"user:{i:D8}\t{{\"j\":{i}}}"));
        var dataset = OptimusApi.NewName();
        Assert.Equal(0, (await Cli.RunAsync("datasets", "create", dataset, "-t", "first", "-t", "second", "--server", servers)).ExitCode);

        // Batches a few at a time: the load is still running when the first server it talks to dies.
        var load = Cli.RunAsync("load", "-d", dataset, "-t", $"first={first}", "-t", $"second={second}", "--batch-size", "2000", "--parallel", "2",
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
        Assert.Equal(600_000, version.Tables!["first"].Entries); // verified by the save against what the CLI counted
        Assert.Equal(400_000, version.Tables["second"].Entries);
        var read = await client.GetManyAsync(dataset, "second", [.. Enumerable.Range(0, 300).Select(i => $"user:{i * 1333:D8}")]);
        Assert.Equal(version.Id, read.Version);
        Assert.Equal(300, read.Found.Count);
        Assert.Equal("{\"j\":398567}", read.JsonText("user:00398567"));
        Assert.Equal("{\"i\":599999}", (await client.GetAsync(dataset, "first", "user:00599999")).JsonText);
    }
}
