using System.Collections.Concurrent;
using System.Net.Sockets;
using Npgsql;

namespace Optimus.Runtime.Persistence;

/// <summary>
/// Connections to the cluster's PostgreSQL database: creates each provider's schema once per process and turns a
/// database that cannot be reached into a <see cref="StorageUnavailableException"/> (nothing changed; retry).
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _schemas = new(StringComparer.Ordinal);
    private readonly NpgsqlDataSource _source;

    public PostgresDatabase(PostgresStorageOptions options) => _source = NpgsqlDataSource.Create(options.ConnectionString);

    /// <summary>Runs <paramref name="work"/> on a connection, creating <paramref name="schema"/> first, once per process.</summary>
    public async Task<T> RunAsync<T>(string schema, Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        var ready = _schemas.GetOrAdd(schema, ddl => new Lazy<Task>(() => ExecuteAsync(ddl)));
        try
        {
            await ready.Value.WaitAsync(cancellationToken);
            await using var connection = await _source.OpenConnectionAsync(cancellationToken);
            return await work(connection);
        }
        catch when (ready.Value.IsFaulted)
        {
            _schemas.TryRemove(KeyValuePair.Create(schema, ready)); // let the next caller try again
            throw;
        }
        catch (NpgsqlException exception) when (exception.IsTransient || exception.InnerException is SocketException or TimeoutException)
        {
            throw new StorageUnavailableException($"PostgreSQL cannot be reached: {exception.Message} Retry.", exception);
        }
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    private async Task ExecuteAsync(string ddl)
    {
        await using var connection = await _source.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(ddl, connection);
        await command.ExecuteNonQueryAsync();
    }
}
