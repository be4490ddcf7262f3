using System.Text.Json;
using Optimus.Tests;
using Xunit;

namespace Optimus.Silo.Tests;

/// <summary>Readers never see a mix of versions, however often versions are published and rolled back under them.</summary>
public sealed class ConsistencyTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private OptimusApi Api => fixture.Api;

    [Fact]
    public async Task MultiKeyReads_NeverMixVersions_WhilePublishAndRollbackRunUnderThem()
    {
        const int Keys = 50;
        var dataset = OptimusApi.NewName();
        await Api.CreateDatasetAsync(dataset, ["t"]);
        var versions = new List<string>();
        for (var n = 0; n < 4; n++)
        {
            var version = await Api.CreateVersionAsync(dataset);
            await Api.LoadAsync(dataset, "t", version, Enumerable.Range(0, Keys).Select(i => ($"k{i}", $"{{\"version\":\"{version}\",\"i\":{i}}}")));
            await Api.SaveAsync(version);
            versions.Add(version);
        }

        await Api.PublishAsync(versions[0]);
        var keys = Enumerable.Range(0, Keys).Select(i => $"k{i}").ToArray();
        using var stop = new CancellationTokenSource();
        var reads = 0;
        var seenVersions = new HashSet<string>();

        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (body, header, _) = await Api.GetManyAsync(dataset, "t", keys);
                var read = body.GetProperty("version").GetString()!;
                Assert.Equal(read, header);
                var found = body.GetProperty("found").EnumerateObject().ToList();
                Assert.Equal(Keys, found.Count);
                Assert.All(found, entry => Assert.Equal(read, entry.Value.GetProperty("version").GetString()));
                lock (seenVersions)
                {
                    seenVersions.Add(read);
                }

                Interlocked.Increment(ref reads);
            }
        })).ToArray();

        var random = new Random(7);
        for (var i = 0; i < 40; i++)
        {
            if (i % 3 == 2)
            {
                using var rollback = await Api.Http.PostAsync(new Uri($"/v1/datasets/{dataset}/rollback", UriKind.Relative), null);
                Assert.True(rollback.IsSuccessStatusCode || rollback.StatusCode == System.Net.HttpStatusCode.Conflict, await rollback.Content.ReadAsStringAsync());
            }
            else
            {
                await Api.PublishAsync(versions[random.Next(versions.Count)]);
            }

            // After a publish has answered, a read that names no version gets the new active version.
            var active = (await Api.GetJsonAsync($"/v1/datasets/{dataset}")).GetProperty("activeVersion").GetString();
            var (body, _, _) = await Api.GetManyAsync(dataset, "t", ["k0"]);
            Assert.Equal(active, body.GetProperty("version").GetString());
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.True(reads > 40, $"only {reads} reads ran");
        Assert.True(seenVersions.Count > 1, "the readers saw only one version");
    }
}
