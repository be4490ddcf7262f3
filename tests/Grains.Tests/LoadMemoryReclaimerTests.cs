using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Optimus.Grains.Loading;
using Optimus.Grains.Shards;
using Optimus.Runtime;
using Optimus.Runtime.Testing;
using Optimus.Runtime.Tests.Support;
using Xunit;

namespace Optimus.Grains.Tests;

/// <summary>
/// The collection that gives a load's memory back: once per burst of seals, a quiet moment after the last one, and
/// run by the shards' sealing itself.
/// </summary>
public sealed class LoadMemoryReclaimerTests
{
    [Fact]
    public void ABurstOfSeals_CausesOneFullCollection_AQuietMomentAfterTheLast()
    {
        var time = new ManualTimeProvider();
        using var reclaimer = new LoadMemoryReclaimer(time, NullLogger<LoadMemoryReclaimer>.Instance);
        var fullCollections = GC.CollectionCount(GC.MaxGeneration);

        for (var i = 0; i < 16; i++)
        {
            reclaimer.AfterSeal();
            time.Advance(LoadMemoryReclaimer.Quiet / 2);
        }

        Assert.Equal(0, reclaimer.Reclaims); // every seal moved the collection on
        time.Advance(LoadMemoryReclaimer.Quiet / 2);
        Assert.Equal(1, reclaimer.Reclaims);
        Assert.True(GC.CollectionCount(GC.MaxGeneration) > fullCollections);

        time.Advance(LoadMemoryReclaimer.Quiet * 10);
        Assert.Equal(1, reclaimer.Reclaims); // nothing sealed since

        reclaimer.AfterSeal();
        time.Advance(LoadMemoryReclaimer.Quiet);
        Assert.Equal(2, reclaimer.Reclaims);
    }

    [Fact]
    public async Task SavingAVersion_OfFourShards_ReclaimsOnce()
    {
        var time = new ManualTimeProvider();
        await using var cluster = new TestCluster((silo, cluster) =>
        {
            silo.AddOptimus(o => o.DataDirectory = cluster.DataDirectory).AddSqliteGrainStorage().UseSqliteReminders();
            silo.Services.AddSingleton(new LoadMemoryReclaimer(time, NullLogger<LoadMemoryReclaimer>.Instance));
        });
        await cluster.StartAsync();
        var reclaimer = cluster.Services.GetRequiredService<LoadMemoryReclaimer>();
        var name = OptimusCluster.NewName();
        var dataset = cluster.Client.GetGrain<IDatasetGrain>(name);
        await dataset.Create(["t"], new RetentionPolicy());
        var version = await dataset.CreateVersion(null, expectedEntries: 250_000);
        Assert.Equal(4, version.Shards);
        await cluster.Services.GetRequiredService<EntryWriter>().WriteAsync(
            name, version.Id, "b", [.. Enumerable.Range(0, 1000).Select(i => ("t", new Entry($"k{i}", Encoding.UTF8.GetBytes("1"))))]);

        await dataset.Save(version.Id, null);
        await LifecycleTests.WaitForAsync(dataset, version.Id, VersionStatus.Saved);

        Assert.Equal(0, reclaimer.Reclaims);
        time.Advance(LoadMemoryReclaimer.Quiet);
        Assert.Equal(1, reclaimer.Reclaims);
    }
}
