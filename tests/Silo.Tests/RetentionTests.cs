using System.Net;
using Optimus.Tests;
using Xunit;

namespace Optimus.Silo.Tests;

/// <summary>The janitor: pruned and discarded versions lose their files, abandoned drafts fail.</summary>
public sealed class RetentionTests
{
    private static Dictionary<string, string> FastJanitor(string draftTimeout) => new()
    {
        ["Optimus__Service__JanitorPeriod"] = "00:00:01",
        ["Optimus__Reminders__MinimumReminderPeriod"] = "00:00:01",
        ["Optimus__Service__DraftTimeout"] = draftTimeout,
    };

    private static async Task WaitUntilGoneAsync(string directory)
    {
        for (var i = 0; i < 300 && Directory.Exists(directory); i++)
        {
            await Task.Delay(50);
        }

        Assert.False(Directory.Exists(directory), $"{directory} is still there");
    }

    private static long SizeOf(string directory) =>
        Directory.Exists(directory) ? new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;

    private static async Task<string> WaitForStatusAsync(OptimusApi api, string version, string status)
    {
        for (var i = 0; i < 300; i++)
        {
            var current = (await api.GetJsonAsync($"/v1/versions/{version}")).GetProperty("status").GetString()!;
            if (current == status)
            {
                return current;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{version} never became {status}.");
    }

    [Fact]
    public async Task PrunedVersions_LoseTheirFiles_SoDiskUseGoesDown()
    {
        await using var silo = await SiloProcess.StartAsync(environment: FastJanitor("01:00:00"));
        var api = silo.Api;
        var dataset = OptimusApi.NewName();
        await api.CreateDatasetAsync(dataset, ["t"], keepVersions: 1);
        var versionsDirectory = Path.Combine(silo.DataDirectory, "versions");
        var ids = new List<string>();
        for (var n = 0; n < 3; n++)
        {
            var version = await api.CreateVersionAsync(dataset);
            await api.LoadAsync(dataset, "t", version, Enumerable.Range(0, 3000).Select(i => ($"k{i}", $"{{\"v\":{n},\"pad\":\"{new string('x', 64)}\"}}")));
            await api.SaveAsync(version);
            ids.Add(version);
            if (n == 0)
            {
                await api.PublishAsync(version);
            }
        }

        // Kept: the active v1 and the newest saved v3. v2 goes, and its files with it.
        await WaitForStatusAsync(api, ids[1], "DISCARDED");
        await WaitUntilGoneAsync(Path.Combine(versionsDirectory, ids[1]));
        var kept = SizeOf(Path.Combine(versionsDirectory, ids[0])) + SizeOf(Path.Combine(versionsDirectory, ids[2]));
        Assert.True(kept > 0);
        Assert.Equal(kept, SizeOf(versionsDirectory));
        Assert.Equal("SAVED", (await api.GetJsonAsync($"/v1/versions/{ids[2]}")).GetProperty("status").GetString());

        var gone = await api.GetAsync(dataset, "t", "k1", ids[1]);
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Contains("version-not-found", gone.Body, StringComparison.Ordinal);
        Assert.Equal("{\"v\":0,\"pad\":\"" + new string('x', 64) + "\"}", (await api.GetAsync(dataset, "t", "k1")).Body);
    }

    [Fact]
    public async Task DiscardedAndAbandonedDrafts_LoseTheirFiles()
    {
        await using var silo = await SiloProcess.StartAsync(environment: FastJanitor("00:00:03"));
        var api = silo.Api;
        var dataset = OptimusApi.NewName();
        await api.CreateDatasetAsync(dataset, ["t"]);
        var discarded = await api.CreateVersionAsync(dataset);
        await api.LoadAsync(dataset, "t", discarded, [("k", "1")]);
        var abandoned = await api.CreateVersionAsync(dataset);
        await api.LoadAsync(dataset, "t", abandoned, [("k", "2")]);

        using (var discard = await api.PostRawAsync($"/v1/versions/{discarded}/discard", "{\"reason\":\"wrong input file\"}"))
        {
            var info = await OptimusApi.ExpectAsync(discard, HttpStatusCode.OK);
            Assert.Equal(("DISCARDED", "wrong input file"), (info.GetProperty("status").GetString(), info.GetProperty("history").EnumerateArray().Last().GetProperty("reason").GetString()));
        }

        using (var late = await api.PostEntriesAsync(dataset, "t", discarded, [("k2", "1")]))
        {
            await OptimusApi.ExpectProblemAsync(late, HttpStatusCode.Conflict, "version-not-writable");
        }

        await WaitUntilGoneAsync(Path.Combine(silo.DataDirectory, "versions", discarded));
        await WaitForStatusAsync(api, abandoned, "FAILED");
        await WaitUntilGoneAsync(Path.Combine(silo.DataDirectory, "versions", abandoned));
        Assert.Contains("abandoned", (await api.GetJsonAsync($"/v1/versions/{abandoned}")).GetProperty("history").EnumerateArray().Last().GetProperty("reason").GetString(), StringComparison.Ordinal);
    }
}
