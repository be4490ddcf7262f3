namespace Optimus.Runtime;

/// <summary>Where the embedded SQLite store lives: grain state, reminders and (later) membership of a single host.
/// Bound from the configuration section <c>Optimus:Sqlite</c>.</summary>
public sealed class SqliteStorageOptions : IValidatedOptions
{
    /// <summary>The database file. Default: <c>data/silo.db</c> under the working directory. Its folder is created if missing.</summary>
    public string DataSource { get; set; } = Path.Combine("data", "silo.db");

    /// <summary>How long a writer waits for another to finish before failing. Default: 30 seconds.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    IEnumerable<string> IValidatedOptions.Validate()
    {
        if (string.IsNullOrWhiteSpace(DataSource))
        {
            yield return "SqliteStorageOptions.DataSource must name a file.";
        }

        if (BusyTimeout < TimeSpan.FromSeconds(1))
        {
            yield return $"SqliteStorageOptions.BusyTimeout must be at least 1 second; it is {BusyTimeout}.";
        }
    }
}
