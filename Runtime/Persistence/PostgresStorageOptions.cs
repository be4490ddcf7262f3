namespace Optimus.Runtime;

/// <summary>The PostgreSQL store of a cluster: grain state, reminders and membership. Bound from <c>Optimus:Postgres</c>.</summary>
public sealed class PostgresStorageOptions : IValidatedOptions
{
    /// <summary>The connection string (Npgsql syntax). Required when the silo uses PostgreSQL.</summary>
    public string ConnectionString { get; set; } = "";

    IEnumerable<string> IValidatedOptions.Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return "PostgresStorageOptions.ConnectionString must be set (OPTIMUS_POSTGRES or --postgres for the service).";
        }
    }
}
