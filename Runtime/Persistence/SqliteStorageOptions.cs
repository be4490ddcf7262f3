namespace Optimus.Runtime;

/// <summary>Where the embedded SQLite store lives: grain state, reminders and (later) membership of a single host.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>The database file. Default: <c>data/silo.db</c> under the working directory. Its folder is created if missing.</summary>
    public string DataSource { get; set; } = Path.Combine("data", "silo.db");

    /// <summary>How long a writer waits for another to finish before failing. Default: 30 seconds.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
