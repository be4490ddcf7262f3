using Optimus.Tests;
using Xunit;

namespace Optimus.Client.Tests;

/// <summary>
/// The SDK's reads through the silo's gateway port (the grain protocol) against an embedded silo process: they go
/// there once the client has connected, answer as HTTP reads do, and go over HTTP when the gateway cannot be reached
/// or the client is told not to use it.
/// </summary>
public sealed class GatewayReadTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Reads_GoThroughTheGateway_AndAnswerAsHttpReadsDo()
    {
        using var client = service.NewClient();
        var (dataset, version) = await PublishAsync(client, 200);
        await ReadThroughGatewayAsync(client, [service.Silo], dataset);

        var (gets, lookups) = (await CallsAsync(service.Silo, "Get"), await CallsAsync(service.Silo, "GetMany"));
        for (var i = 0; i < 50; i++)
        {
            var read = await client.GetAsync(dataset, "t", $"k{i}");
            Assert.Equal((version, version, $"{{\"n\":{i}}}"), (read.Version, read.ActiveVersion, read.JsonText));
        }

        var missing = await client.GetAsync(dataset, "t", "absent");
        Assert.Equal((false, version), (missing.Found, missing.Version));
        var many = await client.GetManyAsync(dataset, "t", ["k1", "absent", "k199", "k1"]);
        Assert.Equal((version, version), (many.Version, many.ActiveVersion));
        Assert.Equal(["k1", "k199"], many.Found.Keys.Order());
        Assert.Equal("{\"n\":199}", many.JsonText("k199"));
        Assert.Equal(["absent"], many.Missing);
        var pinned = await client.GetManyAsync(dataset, "t", [.. Enumerable.Range(0, 1500).Select(i => $"k{i}")], version); // two requests
        Assert.Equal((200, 1300), (pinned.Found.Count, pinned.Missing.Count));

        Assert.Equal(51, await CallsAsync(service.Silo, "Get") - gets);
        Assert.Equal(3, await CallsAsync(service.Silo, "GetMany") - lookups);

        var problem = await Assert.ThrowsAsync<OptimusException>(() => client.GetAsync(dataset, "nope", "k1"));
        Assert.Equal(Grains.ProblemCodes.TableNotFound, problem.Code);
        problem = await Assert.ThrowsAsync<OptimusException>(() => client.GetAsync(dataset, "t", "k1", $"{dataset}@99"));
        Assert.Equal(Grains.ProblemCodes.VersionNotFound, problem.Code);
    }

    [Fact]
    public async Task AClientToldNotToUseTheGateway_ReadsOverHttp()
    {
        using var writer = service.NewClient();
        var (dataset, version) = await PublishAsync(writer, 20);
        using var client = new OptimusClient(new OptimusClientOptions { Servers = { new Uri(service.Server) }, ReadThroughGateway = false });

        var (gets, read) = (await CallsAsync(service.Silo, "Get"), await SiloMetrics.KeysReadAsync(service.Silo, dataset));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal($"{{\"n\":{i}}}", (await client.GetAsync(dataset, "t", $"k{i}")).JsonText);
            await Task.Delay(20);
        }

        Assert.Equal(version, (await client.GetManyAsync(dataset, "t", ["k1", "k2"])).Version);
        Assert.Equal(22, await SiloMetrics.KeysReadAsync(service.Silo, dataset) - read);
        Assert.Equal(0, await CallsAsync(service.Silo, "Get") - gets);
    }

    [Fact]
    public async Task Reads_GoOverHttp_WhileTheGatewayCannotBeReached()
    {
        // The silo tells clients to reach its gateway at an address nothing answers at (TEST-NET-1).
        await using var silo = await SiloProcess.StartAsync(arguments: ["--advertise", "192.0.2.1"]);
        using var client = new OptimusClient(new Uri($"http://127.0.0.1:{silo.Port}"));
        var (dataset, _) = await PublishAsync(client, 20);

        var until = DateTime.UtcNow.AddSeconds(3);
        var reads = 0;
        while (DateTime.UtcNow < until)
        {
            Assert.Equal($"{{\"n\":{reads % 20}}}", (await client.GetAsync(dataset, "t", $"k{reads % 20}")).JsonText);
            reads++;
            await Task.Delay(20);
        }

        Assert.Equal(reads, await SiloMetrics.KeysReadAsync(silo, dataset));
        Assert.Equal(0, await CallsAsync(silo, "Get"));
    }

    private static async Task<(string Dataset, string Version)> PublishAsync(OptimusClient client, int count)
    {
        var dataset = (await client.CreateDatasetAsync(OptimusApi.NewName(), ["t"])).Name;
        var version = await client.CreateVersionAsync(dataset);
        var loaded = await client.LoadAsync(version.Id, Entries(count));
        await client.SaveAsync(version.Id, loaded.Tables);
        await client.PublishAsync(version.Id);
        return (dataset, version.Id);
    }

    private static async IAsyncEnumerable<TableEntry> Entries(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return TableEntry.FromJson("t", $"k{i}", $"{{\"n\":{i}}}");
        }

        await Task.CompletedTask;
    }

    /// <summary>Reads keys k0..k9 until ten in a row came in through the silos' gateways (the client connects in the background).</summary>
    internal static async Task ReadThroughGatewayAsync(OptimusClient client, IReadOnlyList<SiloProcess> silos, string dataset)
    {
        for (var round = 0; ; round++)
        {
            var before = (await Task.WhenAll(silos.Select(s => CallsAsync(s, "Get")))).Sum();
            for (var i = 0; i < 10; i++)
            {
                await client.GetAsync(dataset, "t", $"k{i}");
                await Task.Delay(20);
            }

            if ((await Task.WhenAll(silos.Select(s => CallsAsync(s, "Get")))).Sum() - before == 10)
            {
                return;
            }

            Assert.True(round < 50, "the client never read through the gateway");
        }
    }

    private static Task<long> CallsAsync(SiloProcess silo, string method) => SiloMetrics.CallsAsync(silo, "router", method);
}
