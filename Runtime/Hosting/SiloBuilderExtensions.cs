using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Optimus.Runtime.Membership;
using Optimus.Runtime.Persistence;
using Optimus.Runtime.Reminders;

namespace Optimus.Runtime;

/// <summary>How a silo is configured.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>Hosts every grain class of <paramref name="assembly"/>.</summary>
    public static ISiloBuilder AddGrains(this ISiloBuilder builder, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<GrainTypeOptions>(o => o.AddAssembly(assembly));
        return builder;
    }

    /// <summary>Hosts the grain class <typeparamref name="TGrain"/>.</summary>
    public static ISiloBuilder AddGrain<[DynamicallyAccessedMembers(GrainClassAttribute.Kept)] TGrain>(this ISiloBuilder builder) where TGrain : Grain
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<GrainTypeOptions>(o => o.Add(typeof(TGrain)));
        return builder;
    }

    /// <summary>Runs <typeparamref name="TFilter"/> around every grain call this silo serves.</summary>
    public static ISiloBuilder AddIncomingGrainCallFilter<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFilter>(this ISiloBuilder builder)
        where TFilter : class, IIncomingGrainCallFilter
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IIncomingGrainCallFilter, TFilter>();
        return builder;
    }

    /// <summary>Changes the silo's options of type <typeparamref name="TOptions"/>.</summary>
    public static ISiloBuilder Configure<TOptions>(this ISiloBuilder builder, Action<TOptions> configure) where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// The embedded default: grain state (storage "Default") and reminders in one SQLite file at
    /// <paramref name="dataSource"/>.
    /// </summary>
    public static ISiloBuilder UseSqlite(this ISiloBuilder builder, string dataSource)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataSource);
        builder.Configure<SqliteStorageOptions>(o => o.DataSource = dataSource);
        return builder.AddSqliteGrainStorage().UseSqliteReminders();
    }

    /// <summary>Grain state in the SQLite file of <see cref="SqliteStorageOptions"/>, under the storage name <paramref name="name"/>.</summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name = PersistentStateAttribute.DefaultStorage)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddSqliteDatabase();
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, (sp, _) => new SqlGrainStorage(sp.GetRequiredService<SqliteDatabase>()));
        return builder;
    }

    /// <summary>Reminders in the SQLite file of <see cref="SqliteStorageOptions"/>.</summary>
    public static ISiloBuilder UseSqliteReminders(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddSqliteDatabase();
        builder.Services.Replace(ServiceDescriptor.Singleton<IReminderTable>(sp => new SqlReminderTable(sp.GetRequiredService<SqliteDatabase>())));
        return builder;
    }

    /// <summary>
    /// The cluster store: grain state (storage "Default") and reminders in the PostgreSQL database of
    /// <paramref name="connectionString"/>.
    /// </summary>
    public static ISiloBuilder UsePostgres(this ISiloBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        builder.Configure<PostgresStorageOptions>(o => o.ConnectionString = connectionString);
        return builder.AddPostgresGrainStorage().UsePostgresReminders();
    }

    /// <summary>Grain state in the PostgreSQL database of <see cref="PostgresStorageOptions"/>, under the storage name <paramref name="name"/>.</summary>
    public static ISiloBuilder AddPostgresGrainStorage(this ISiloBuilder builder, string name = PersistentStateAttribute.DefaultStorage)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddPostgresDatabase();
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, (sp, _) => new SqlGrainStorage(sp.GetRequiredService<PostgresDatabase>()));
        return builder;
    }

    /// <summary>Reminders in the PostgreSQL database of <see cref="PostgresStorageOptions"/>.</summary>
    public static ISiloBuilder UsePostgresReminders(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddPostgresDatabase();
        builder.Services.Replace(ServiceDescriptor.Singleton<IReminderTable>(sp => new SqlReminderTable(sp.GetRequiredService<PostgresDatabase>())));
        return builder;
    }

    /// <summary>
    /// Makes the silo part of a cluster whose members find each other in <paramref name="table"/> (shared by every silo
    /// of the cluster; an <see cref="InMemoryMembershipTable"/> serves silos in one process, as tests run them).
    /// </summary>
    public static ISiloBuilder UseMembershipTable(this ISiloBuilder builder, IMembershipTable table)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(table);
        builder.Services.Replace(ServiceDescriptor.Singleton(table));
        return builder;
    }

    /// <summary>A cluster whose membership table is in the SQLite file of <see cref="SqliteStorageOptions"/> (silos of one machine).</summary>
    public static ISiloBuilder UseSqliteClustering(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddSqliteDatabase();
        builder.Services.Replace(ServiceDescriptor.Singleton<IMembershipTable>(sp => new SqlMembershipTable(
            sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<IOptions<SiloOptions>>().Value.ClusterId)));
        return builder;
    }

    /// <summary>A cluster whose membership table is in the PostgreSQL database of <see cref="PostgresStorageOptions"/>.</summary>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddPostgresDatabase();
        builder.Services.Replace(ServiceDescriptor.Singleton<IMembershipTable>(sp => new SqlMembershipTable(
            sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<IOptions<SiloOptions>>().Value.ClusterId)));
        return builder;
    }

    /// <summary>Grain state in memory, for tests: lost when the process ends.</summary>
    public static ISiloBuilder AddMemoryGrainStorage(this ISiloBuilder builder, string name = PersistentStateAttribute.DefaultStorage)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, new InMemoryGrainStorage());
        return builder;
    }

    /// <summary>Reminders in memory, for tests: lost when the process ends.</summary>
    public static ISiloBuilder UseInMemoryReminders(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IReminderTable>(new InMemoryReminderTable()));
        return builder;
    }

    /// <summary>
    /// Registers the <see cref="SqliteDatabase"/> of <see cref="SqliteStorageOptions"/>, once: every provider that
    /// keeps its data in SQLite (the runtime's and an application's own) shares it.
    /// </summary>
    public static ISiloBuilder AddSqliteDatabase(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<IOptions<SqliteStorageOptions>>().Value));
        return builder;
    }

    /// <summary>
    /// Registers the <see cref="PostgresDatabase"/> of <see cref="PostgresStorageOptions"/> (bound from
    /// <c>Optimus:Postgres</c>), once: every provider that keeps its data in PostgreSQL shares its connection pool.
    /// </summary>
    public static ISiloBuilder AddPostgresDatabase(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.Services.Any(d => d.ServiceType == typeof(PostgresDatabase)))
        {
            builder.Services.AddValidatedOptions<PostgresStorageOptions>().BindConfiguration("Optimus:Postgres");
            builder.Services.AddSingleton(sp => new PostgresDatabase(sp.GetRequiredService<IOptions<PostgresStorageOptions>>().Value));
        }

        return builder;
    }
}
