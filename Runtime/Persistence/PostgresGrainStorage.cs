using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Optimus.Runtime.Persistence;

/// <summary>
/// Grain storage in PostgreSQL, for a cluster: the same contract as SQLite's, one row per (state, grain) with a version
/// bumped by every change through a conditional UPDATE; a clear keeps a tombstone so versions never repeat.
/// </summary>
internal sealed class PostgresGrainStorage(PostgresDatabase database) : IGrainStorage
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS grain_state (
            state_name TEXT   NOT NULL,
            grain_id   TEXT   NOT NULL,
            data       BYTEA,
            version    BIGINT NOT NULL,
            PRIMARY KEY (state_name, grain_id)
        );
        """;

    public Task<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken) =>
        database.RunAsync(Schema, connection => ReadAsync(connection, stateName, grainId, cancellationToken), cancellationToken);

    public Task<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> data, string? etag, CancellationToken cancellationToken) =>
        database.RunAsync(Schema, async connection =>
        {
            await using var command = etag is null
                ? Command(connection, """
                    INSERT INTO grain_state (state_name, grain_id, data, version) VALUES (@state, @grain, @data, 1)
                    ON CONFLICT DO NOTHING RETURNING version
                    """, stateName, grainId)
                : Command(connection, """
                    UPDATE grain_state SET data = @data, version = version + 1
                    WHERE state_name = @state AND grain_id = @grain AND version = @version RETURNING version
                    """, stateName, grainId, etag);
            command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("data", NpgsqlDbType.Bytea) { TypedValue = data });
            return await command.ExecuteScalarAsync(cancellationToken) is long written
                ? Format(written)
                : throw await StaleAsync(connection, stateName, grainId, etag, cancellationToken);
        }, cancellationToken);

    public Task<string?> ClearAsync(string stateName, GrainId grainId, string? etag, CancellationToken cancellationToken) =>
        database.RunAsync<string?>(Schema, async connection =>
        {
            if (etag is null)
            {
                return await ReadAsync(connection, stateName, grainId, cancellationToken) is { } existing
                    ? throw InconsistentStateException.StaleEtag(stateName, grainId, etag, existing.ETag)
                    : null;
            }

            await using var command = Command(connection, """
                UPDATE grain_state SET data = NULL, version = version + 1
                WHERE state_name = @state AND grain_id = @grain AND version = @version RETURNING version
                """, stateName, grainId, etag);
            return await command.ExecuteScalarAsync(cancellationToken) is long cleared
                ? Format(cleared)
                : throw await StaleAsync(connection, stateName, grainId, etag, cancellationToken);
        }, cancellationToken);

    private static async Task<GrainStateRecord?> ReadAsync(NpgsqlConnection connection, string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT data, version FROM grain_state WHERE state_name = @state AND grain_id = @grain", stateName, grainId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var etag = Format(reader.GetInt64(1));
        return reader.IsDBNull(0) ? new GrainStateRecord(null, etag) : new GrainStateRecord(reader.GetFieldValue<byte[]>(0), etag);
    }

    private static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, string stateName, GrainId grainId, string? etag = null)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("state", stateName);
        command.Parameters.AddWithValue("grain", grainId.ToString());
        if (etag is not null)
        {
            // An ETag that is not a version can match nothing.
            command.Parameters.AddWithValue("version", long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1L);
        }

        return command;
    }

    private static async Task<InconsistentStateException> StaleAsync(
        NpgsqlConnection connection, string stateName, GrainId grainId, string? etag, CancellationToken cancellationToken)
    {
        var stored = await ReadAsync(connection, stateName, grainId, cancellationToken);
        return InconsistentStateException.StaleEtag(stateName, grainId, etag, stored?.ETag);
    }
}
