using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Optimus.Grains.Diagnostics;
using Optimus.Grains.Hosting;
using Optimus.Grains.Loading;
using Optimus.Grains.Routing;
using Optimus.Grains.Shards;
using Optimus.Grains.Storage;
using Optimus.Runtime;
using Optimus.Runtime.Persistence;

namespace Optimus.Grains;

/// <summary>Adds Optimus — its grains, storage engine, routing caches and janitor — to a silo.</summary>
public static class OptimusSiloBuilderExtensions
{
    /// <summary>
    /// Hosts the Optimus grains. Options bind from <c>Optimus:Service</c>; <paramref name="configure"/> runs after.
    /// The silo also needs grain storage and a reminder table (<c>UseSqlite</c> for the embedded service).
    /// </summary>
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(ProblemException))] // recreated by name after a grain call
    public static ISiloBuilder AddOptimus(this ISiloBuilder silo, Action<OptimusOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddGrains(typeof(OptimusSiloBuilderExtensions).Assembly);
        var options = silo.Services.AddValidatedOptions<OptimusOptions>().BindConfiguration("Optimus:Service");
        if (configure is not null)
        {
            options.Configure(configure);
        }

        silo.Services.Configure<SerializationOptions>(o =>
        {
            o.TypeInfoResolvers.Add(OptimusJsonContext.Default);
            o.TypeInfoResolvers.Add(GrainStateJsonContext.Default);
        });
        silo.Services.AddSingleton<ShardFiles>();
        silo.Services.AddSingleton<OptimusMetrics>();
        silo.Services.AddSingleton<ActiveVersionCache>();
        silo.Services.AddSingleton<VersionDirectory>();
        silo.Services.AddSingleton<OpenSegments>();
        silo.Services.AddSingleton<LoadMemoryReclaimer>();
        silo.Services.AddSingleton<EntryReader>();
        silo.Services.AddSingleton<ServiceAddress>();
        silo.Services.AddSingleton<ShardRouteMap>();
        silo.Services.AddSingleton<EntryWriter>();
        silo.Services.AddHostedService<JanitorStarter>();
        return silo;
    }

    /// <summary>
    /// For a cluster: shards keep their batches and segments in the PostgreSQL database of
    /// <see cref="PostgresStorageOptions"/>, so that any silo can take a shard over. Segments are still served from a
    /// copy in each silo's data directory.
    /// </summary>
    public static ISiloBuilder StoreShardsInPostgres(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddPostgresDatabase();
        silo.Services.AddSingleton<IShardStore>(sp => new SqlShardStore(sp.GetRequiredService<PostgresDatabase>()));
        return silo;
    }

    /// <summary>For silos that share one machine: shards keep their batches and segments in the SQLite file of <see cref="SqliteStorageOptions"/>.</summary>
    public static ISiloBuilder StoreShardsInSqlite(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddSqliteDatabase();
        silo.Services.AddSingleton<IShardStore>(sp => new SqlShardStore(sp.GetRequiredService<SqliteDatabase>()));
        return silo;
    }
}
