using System.Collections.Concurrent;
using System.Data.Common;

namespace Optimus.Runtime.Persistence;

/// <summary>
/// A SQL store the runtime's providers run on — SQLite for one machine, PostgreSQL for a cluster. The providers' SQL is
/// the same for both (named <c>@parameters</c>, <c>ON CONFLICT</c>, <c>RETURNING</c>); a database says only how to
/// connect, how to start a write transaction, which column types its schema uses, and which of its errors mean
/// "unavailable, retry" (<see cref="StorageUnavailableException"/>). Each schema is created once per process.
/// </summary>
public abstract class SqlDatabase
{
    private protected SqlDatabase()
    {
    }

    private readonly ConcurrentDictionary<string, Lazy<Task>> _schemas = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="work"/> on an open connection, after creating <paramref name="schema"/> once.</summary>
    public async Task<T> RunAsync<T>(string schema, Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        var ddl = Dialect(schema);
        var ready = _schemas.GetOrAdd(ddl, text => new Lazy<Task>(() => CreateSchemaAsync(text)));
        try
        {
            await ready.Value.WaitAsync(cancellationToken);
            await using var connection = await OpenAsync(cancellationToken);
            return await work(connection);
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            if (ready.Value.IsFaulted)
            {
                _schemas.TryRemove(KeyValuePair.Create(ddl, ready)); // let the next caller try again
            }

            throw new StorageUnavailableException($"The {Name} store is unavailable: {exception.Message} Retry.", exception);
        }
        catch when (ready.Value.IsFaulted)
        {
            _schemas.TryRemove(KeyValuePair.Create(ddl, ready));
            throw;
        }
    }

    /// <summary>Begins a transaction that holds the write lock from its first statement (for compare-and-swap).</summary>
    public abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    private protected abstract string Name { get; }

    /// <summary>The binary column type (BLOB, BYTEA).</summary>
    private protected abstract string Blob { get; }

    /// <summary>The 64-bit integer column type.</summary>
    private protected abstract string Int64 { get; }

    /// <summary>What follows a table definition (SQLite: WITHOUT ROWID).</summary>
    private protected abstract string TableOptions { get; }

    private protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    private protected abstract bool IsUnavailable(Exception exception);

    /// <summary>Runs a schema's DDL (idempotent: <c>CREATE ... IF NOT EXISTS</c>).</summary>
    private protected virtual async Task ApplySchemaAsync(DbConnection connection, string ddl)
    {
        await using var command = connection.Command(ddl);
        await command.ExecuteNonQueryAsync();
    }

    // Schemas are written once with {Blob}, {Int64} and {TableOptions} where the dialects differ.
    private string Dialect(string schema) =>
        schema.Replace("{Blob}", Blob, StringComparison.Ordinal).Replace("{Int64}", Int64, StringComparison.Ordinal)
            .Replace("{TableOptions}", TableOptions, StringComparison.Ordinal);

    private async Task CreateSchemaAsync(string ddl)
    {
        await using var connection = await OpenAsync(CancellationToken.None);
        await ApplySchemaAsync(connection, ddl);
    }
}
