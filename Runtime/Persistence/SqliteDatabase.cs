using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Optimus.Runtime.Persistence;

/// <summary>
/// The embedded SQLite file, set up for durability: write-ahead log, <c>synchronous=FULL</c> (a commit returns once it
/// is on disk) and a busy timeout; a store busy past it is unavailable.
/// </summary>
internal sealed class SqliteDatabase : SqlDatabase
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

    protected override string Name => $"SQLite '{_path}'";

    protected override string Blob => "BLOB";

    protected override string Int64 => "INTEGER";

    protected override string TableOptions => "WITHOUT ROWID";

    public override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false)); // BEGIN IMMEDIATE

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
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

    protected override async Task PrepareSchemaAsync(DbConnection connection)
    {
        await using var command = connection.Command("PRAGMA journal_mode=WAL;");
        await command.ExecuteNonQueryAsync();
    }

    protected override bool IsUnavailable(Exception exception) => exception is SqliteException { SqliteErrorCode: Busy or Locked };
}
