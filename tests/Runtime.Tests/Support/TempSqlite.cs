using Microsoft.Data.Sqlite;
using Optimus.Runtime.Persistence;

namespace Optimus.Runtime.Tests.Support;

/// <summary>A SQLite database in a fresh temporary folder, deleted when the test is done.</summary>
public sealed class TempSqlite : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("optimus-kit-").FullName;

    internal SqliteDatabase Database => new(new SqliteStorageOptions { DataSource = Path.Combine(_directory, "kit.db") });

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
