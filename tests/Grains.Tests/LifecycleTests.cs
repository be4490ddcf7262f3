using System.Collections.Immutable;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Optimus.Grains.Loading;
using Optimus.Runtime;
using Xunit;

namespace Optimus.Grains.Tests;

/// <summary>The version life cycle through the grains, on one in-process silo.</summary>
public sealed class LifecycleTests
{
    private static (string, Entry) E(string table, string key, string value) => (table, new Entry(key, Encoding.UTF8.GetBytes(value)));

    [Fact]
    public async Task Load_Save_Publish_Read_Rollback()
    {
        await using var cluster = await OptimusCluster.StartAsync();
        var name = OptimusCluster.NewName();
        var dataset = cluster.Client.GetGrain<IDatasetGrain>(name);
        var router = cluster.Client.GetGrain<IRouterGrain>(IRouterGrain.Key);
        var writer = cluster.Services.GetRequiredService<EntryWriter>();
        await dataset.Create(["users", "items"], new RetentionPolicy());

        var v1 = await dataset.CreateVersion("first", 100);
        Assert.Equal(VersionStatus.AwaitingEntries, v1.Status);
        Assert.Equal(2, await writer.WriteAsync(name, v1.Id, "b1", [E("users", "u1", "\"one\""), E("items", "i1", "1")]));
        Assert.Equal(0, await writer.WriteAsync(name, v1.Id, "b1", [E("users", "u1", "\"one\""), E("items", "i1", "1")]));

        await Assert.ThrowsAsync<ProblemException>(() => router.Get(name, "users", "u1", null)); // a draft is invisible
        Assert.Equal("\"one\"", Encoding.UTF8.GetString((await router.Get(name, "users", "u1", v1.Id)).Value!.Value.Span));

        await dataset.Save(v1.Id, null);
        var saved = await WaitForAsync(dataset, v1.Id, VersionStatus.Saved);
        Assert.Equal(1, saved.Tables!["users"].Entries);

        await dataset.Publish(v1.Id);
        var read = await router.Get(name, "users", "u1", null);
        Assert.Equal(v1.Id, read.Version);
        Assert.Equal(v1.Id, read.ActiveVersion);

        var v2 = await dataset.CreateVersion(null, null);
        await writer.WriteAsync(name, v2.Id, "b", [E("users", "u1", "\"two\"")]);
        await dataset.Save(v2.Id, null);
        await WaitForAsync(dataset, v2.Id, VersionStatus.Saved);
        await dataset.Publish(v2.Id);
        Assert.Equal("\"two\"", Encoding.UTF8.GetString((await router.Get(name, "users", "u1", null)).Value!.Value.Span));
        Assert.Null((await router.Get(name, "items", "i1", null)).Value);

        var back = await dataset.Rollback();
        Assert.Equal(v1.Id, back.Id);
        Assert.Equal("\"one\"", Encoding.UTF8.GetString((await router.Get(name, "users", "u1", null)).Value!.Value.Span));
        Assert.Equal(VersionStatus.Saved, (await dataset.GetVersion(v2.Id)).Status);
    }

    [Fact]
    public async Task ShardCounts_FollowTheDeclaredSize_OnePer62500UpTo16_ThenOnePerMillionUpTo256()
    {
        await using var cluster = await OptimusCluster.StartAsync();
        var name = OptimusCluster.NewName();
        var dataset = cluster.Client.GetGrain<IDatasetGrain>(name);
        await dataset.Create(["t"], new RetentionPolicy());

        (long? Entries, int Shards)[] expected =
            [(null, 16), (1, 1), (62_500, 1), (62_501, 2), (1_000_000, 16), (10_000_000, 16), (16_000_001, 17), (100_000_000, 100), (10_000_000_000, 256)];
        foreach (var (entries, shards) in expected)
        {
            Assert.Equal(shards, (await dataset.CreateVersion(null, entries)).Shards);
        }
    }

    [Fact]
    public async Task MissingKeys_ReadAsMissing_NotAsEmptyValues_InDraftAndSealedShards()
    {
        await using var cluster = await OptimusCluster.StartAsync();
        var name = OptimusCluster.NewName();
        var dataset = cluster.Client.GetGrain<IDatasetGrain>(name);
        await dataset.Create(["users"], new RetentionPolicy());
        var version = await dataset.CreateVersion(null, 1);
        var shard = cluster.Client.GetGrain<IEntryShardGrain>($"{version.Id}/users/0");

        Assert.Null(await shard.Get("nope"));
        await shard.Seal();
        Assert.Null(await shard.Get("nope"));
        var many = await shard.GetMany(["a", "b"]);
        Assert.Equal(2, many.Length);
        Assert.All(many, value => Assert.Null(value));
    }

    [Fact]
    public async Task InvalidOptimusOptions_StopTheSiloFromStarting_NamingTheSetting()
    {
        await using var cluster = new Optimus.Runtime.Testing.TestCluster(silo => silo.AddOptimus(o => o.JanitorPeriod = TimeSpan.Zero).AddMemoryGrainStorage().UseInMemoryReminders());

        var failure = await Assert.ThrowsAnyAsync<Exception>(cluster.StartAsync);
        Assert.Contains("OptimusOptions.JanitorPeriod must be positive", failure.ToString(), StringComparison.Ordinal);
    }

    internal static async Task<VersionInfo> WaitForAsync(IDatasetGrain dataset, string version, VersionStatus status)
    {
        for (var i = 0; i < 300; i++)
        {
            var info = await dataset.GetVersion(version);
            if (info.Status == status)
            {
                return info;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{version} never became {status}.");
    }
}
