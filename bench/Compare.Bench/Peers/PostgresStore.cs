using Npgsql;
using NpgsqlTypes;

namespace Optimus.Compare.Bench.Peers;

/// <summary>PostgreSQL: a table with a primary key, binary COPY to load, prepared SELECTs to read, one connection per caller.</summary>
internal sealed class PostgresStore(Optimus.Runtime.Testing.PostgresServer server, NpgsqlDataSource database, int callers) : IStore
{
    private readonly (NpgsqlConnection Connection, NpgsqlCommand One, NpgsqlCommand Many)?[] _callers = new (NpgsqlConnection, NpgsqlCommand, NpgsqlCommand)?[callers];

    public string Name => "PostgreSQL";

    public async Task LoadAsync(int entries)
    {
        await using var connection = await database.OpenConnectionAsync();
        await ExecuteAsync(connection, "CREATE TABLE kv_next (key text PRIMARY KEY, value bytea NOT NULL)");
        await using (var copy = await connection.BeginBinaryImportAsync("COPY kv_next (key, value) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < entries; i++)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(Data.Key(i), NpgsqlDbType.Text);
                await copy.WriteAsync(Data.Value(i), NpgsqlDbType.Bytea);
            }

            await copy.CompleteAsync();
        }

        await ExecuteAsync(connection, "ANALYZE kv_next");
        await ExecuteAsync(connection, "BEGIN; DROP TABLE IF EXISTS kv; ALTER TABLE kv_next RENAME TO kv; ALTER INDEX kv_next_pkey RENAME TO kv_pkey; COMMIT");
    }

    public async Task<int> GetAsync(int caller, string key)
    {
        var one = (await CallerAsync(caller)).One;
        one.Parameters[0].Value = key;
        return await one.ExecuteScalarAsync() is byte[] ? 1 : 0;
    }

    public async Task<int> GetManyAsync(int caller, string[] keys)
    {
        var many = (await CallerAsync(caller)).Many;
        many.Parameters[0].Value = keys;
        var found = 0;
        await using var reader = await many.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            _ = reader.GetFieldValue<byte[]>(1);
            found++;
        }

        return found;
    }

    public async Task<EntryBytes> BytesPerEntryAsync(int entries)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var size = new NpgsqlCommand("SELECT pg_total_relation_size('kv')", connection);
        return new(null, null, (double)(long)(await size.ExecuteScalarAsync())! / entries); // shared buffers are the server's, not per table
    }

    /// <summary>Stops the server cleanly, then times its start until a key answers.</summary>
    public async Task<double> RestartToServingSecondsAsync()
    {
        await DisposeAsync();
        await server.StopAsync();
        database.Clear(); // the pool's connections died with the server
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await server.StartAgainAsync();
        await using var connection = await database.OpenConnectionAsync();
        await using var read = new NpgsqlCommand("SELECT value FROM kv WHERE key = $1", connection) { Parameters = { new() { Value = Data.Key(1) } } };
        return await read.ExecuteScalarAsync() is byte[] ? clock.Elapsed.TotalSeconds : throw new InvalidOperationException("PostgreSQL lost its data over a restart.");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var caller in _callers)
        {
            if (caller is { } c)
            {
                await c.One.DisposeAsync();
                await c.Many.DisposeAsync();
                await c.Connection.DisposeAsync();
            }
        }

        Array.Clear(_callers);
    }

    private async ValueTask<(NpgsqlConnection Connection, NpgsqlCommand One, NpgsqlCommand Many)> CallerAsync(int caller)
    {
        if (_callers[caller] is { } known)
        {
            return known;
        }

        var connection = await database.OpenConnectionAsync();
        var one = new NpgsqlCommand("SELECT value FROM kv WHERE key = $1", connection) { Parameters = { new() { NpgsqlDbType = NpgsqlDbType.Text } } };
        var many = new NpgsqlCommand("SELECT key, value FROM kv WHERE key = ANY($1)", connection) { Parameters = { new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text } } };
        await one.PrepareAsync();
        await many.PrepareAsync();
        return (_callers[caller] = (connection, one, many)).Value;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
