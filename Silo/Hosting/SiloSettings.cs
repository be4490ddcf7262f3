using System.Globalization;
using Optimus.Grains;
using Optimus.Runtime;

namespace Optimus.Silo.Hosting;

/// <summary>
/// How this process runs, from the command line or the environment. Without a PostgreSQL connection string it is the
/// embedded service: one silo, everything in SQLite and files under the data directory. With one, it is a silo of a
/// cluster: grain state, reminders, membership and shards in PostgreSQL, segments copied to the data directory to be
/// served from. Any other setting binds from its configuration section (<c>Optimus:Silo</c>, <c>Optimus:Membership</c>,
/// ... — in appsettings.json, or the environment as <c>Optimus__Silo__ShutdownTimeout</c>).
/// </summary>
internal sealed record SiloSettings(string DataDirectory, string? Postgres, string? ClusterId, int? SiloPort, string? AdvertisedHost, string? SiloName)
{
    /// <summary>Reads <c>--data</c>, <c>--postgres</c>, <c>--cluster-id</c>, <c>--silo-port</c>, <c>--advertise</c>,
    /// <c>--silo-name</c>, or else <c>OPTIMUS_DATA</c>, <c>OPTIMUS_POSTGRES</c>, <c>OPTIMUS_CLUSTER_ID</c>,
    /// <c>OPTIMUS_SILO_PORT</c>, <c>OPTIMUS_ADVERTISE</c>, <c>OPTIMUS_SILO_NAME</c>.</summary>
    public static SiloSettings From(IConfiguration configuration)
    {
        string? Read(string option, string variable) =>
            configuration[option] is { Length: > 0 } given ? given : Environment.GetEnvironmentVariable(variable) is { Length: > 0 } set ? set : null;

        var port = Read("silo-port", "OPTIMUS_SILO_PORT");
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed is < 1 or > 65535))
        {
            throw new ArgumentException($"The silo port must be a number from 1 to 65535; it is '{port}'.");
        }

        return new SiloSettings(
            Path.GetFullPath(Read("data", "OPTIMUS_DATA") ?? "data"),
            Read("postgres", "OPTIMUS_POSTGRES"),
            Read("cluster-id", "OPTIMUS_CLUSTER_ID"),
            port is null ? null : int.Parse(port, CultureInfo.InvariantCulture),
            Read("advertise", "OPTIMUS_ADVERTISE"),
            Read("silo-name", "OPTIMUS_SILO_NAME"));
    }

    public void Configure(ISiloBuilder silo)
    {
        silo.AddOptimus(o => o.DataDirectory = DataDirectory);
        if (Postgres is { } connectionString)
        {
            silo.UsePostgres(connectionString).UsePostgresClustering().StoreShardsInPostgres();
        }
        else
        {
            silo.UseSqlite(Path.Combine(DataDirectory, "silo.db"));
        }

        silo.Configure<SiloOptions>(o =>
        {
            o.ClusterId = ClusterId ?? o.ClusterId;
            o.SiloPort = SiloPort ?? o.SiloPort;
            o.AdvertisedHost = AdvertisedHost ?? o.AdvertisedHost;
            o.SiloName = SiloName ?? o.SiloName;
            o.AcceptClientsWhenAlone = true; // the SDK reads through the silo port: see the README
        });
    }
}
