using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Optimus.Runtime.Persistence;

/// <summary>
/// Opens connections to one SQLite file set up for durability: write-ahead log, <c>synchronous=FULL</c> (a commit
/// returns once it is on disk) and a busy timeout, and creates each provider's schema once.
/// </summary>
internal sealed class SqliteDatabase
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _schemas = new(StringComparer.Ordinal);
    private const int Busy = 5;
    private const int Locked = 6;
    private readonly string _connectionString;
    private readonly string _path;
    private readonly int _busyTimeoutMs;

    public SqliteDatabase(SqliteStorageOptions options)
    {
        var path = _path = Path.GetFullPath(options.DataSource);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _busyTimeoutMs = (int)options.BusyTimeout.TotalMilliseconds;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)options.BusyTimeout.TotalSeconds),
        }.ToString();
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a connection, creating <paramref name="schema"/> (idempotent DDL) first, once per
    /// process. A store that stays busy or locked past the busy timeout becomes a <see cref="StorageUnavailableException"/>:
    /// nothing was changed, and the caller may retry.
    /// </summary>
    public async Task<T> RunAsync<T>(string schema, Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(schema, cancellationToken);
            return await work(connection);
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode is Busy or Locked)
        {
            throw new StorageUnavailableException($"The SQLite store '{_path}' is busy: {exception.Message} Retry.", exception);
        }
    }

    private async Task<SqliteConnection> OpenAsync(string schema, CancellationToken cancellationToken)
    {
        var ready = _schemas.GetOrAdd(schema, ddl => new Lazy<Task>(() => EnsureSchemaAsync(ddl)));
        try
        {
            await ready.Value.WaitAsync(cancellationToken);
        }
        catch when (ready.Value.IsFaulted)
        {
            _schemas.TryRemove(KeyValuePair.Create(schema, ready)); // let the next caller try again
            throw;
        }

        return await OpenAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, string.Create(CultureInfo.InvariantCulture,
                $"PRAGMA synchronous=FULL; PRAGMA busy_timeout={_busyTimeoutMs};"), cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task EnsureSchemaAsync(string ddl)
    {
        await using var connection = await OpenAsync(CancellationToken.None);
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", CancellationToken.None);
        await ExecuteAsync(connection, ddl, CancellationToken.None);
    }

    public static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
