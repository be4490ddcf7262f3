using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Optimus.Runtime.Persistence;

/// <summary>
/// The embedded SQLite file, set up for durability: write-ahead log, <c>synchronous=FULL</c> (a commit returns once it
/// is on disk) and a busy timeout; a store busy past it is unavailable.
/// </summary>
public sealed class SqliteDatabase : SqlDatabase
{
    private const int Busy = 5;
    private const int Locked = 6;
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;
    private readonly string _path;

    public SqliteDatabase(SqliteStorageOptions options)
    {
        _path = Path.GetFullPath(options.DataSource);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _busyTimeoutMs = (int)options.BusyTimeout.TotalMilliseconds;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)options.BusyTimeout.TotalSeconds),
        }.ToString();
    }

    private protected override string Name => $"SQLite '{_path}'";

    private protected override string Blob => "BLOB";

    private protected override string Int64 => "INTEGER";

    private protected override string TableOptions => "WITHOUT ROWID";

    public override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false)); // BEGIN IMMEDIATE

    private protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.Command(string.Create(CultureInfo.InvariantCulture, $"PRAGMA synchronous=FULL; PRAGMA busy_timeout={_busyTimeoutMs};"));
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private protected override async Task ApplySchemaAsync(DbConnection connection, string ddl)
    {
        await using (var wal = connection.Command("PRAGMA journal_mode=WAL;"))
        {
            await wal.ExecuteNonQueryAsync();
        }

        await base.ApplySchemaAsync(connection, ddl);
    }

    private protected override bool IsUnavailable(Exception exception) => exception is SqliteException { SqliteErrorCode: Busy or Locked };
}
