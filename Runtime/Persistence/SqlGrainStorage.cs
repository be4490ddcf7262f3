using System.Data.Common;
using System.Globalization;

namespace Optimus.Runtime.Persistence;

/// <summary>
/// Grain storage in a SQL database (SQLite or PostgreSQL): one row per (state, grain) with a version that every change
/// bumps through a conditional UPDATE. The version is the ETag; a clear keeps the row as a tombstone so versions never
/// repeat.
/// </summary>
internal sealed class SqlGrainStorage(SqlDatabase database) : IGrainStorage
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS grain_state (
            state_name TEXT    NOT NULL,
            grain_id   TEXT    NOT NULL,
            data       {Blob},
            version    {Int64} NOT NULL,
            PRIMARY KEY (state_name, grain_id)
        ) {TableOptions};
        """;

    public Task<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken) =>
        database.RunAsync(Schema, connection => ReadAsync(connection, stateName, grainId, cancellationToken), cancellationToken);

    public Task<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> data, string? etag, CancellationToken cancellationToken) =>
        database.RunAsync(Schema, async connection =>
        {
            await using var command = Keyed(etag is null
                ? connection.Command("""
                    INSERT INTO grain_state (state_name, grain_id, data, version) VALUES (@state, @grain, @data, 1)
                    ON CONFLICT DO NOTHING RETURNING version
                    """)
                : connection.Command("""
                    UPDATE grain_state SET data = @data, version = version + 1
                    WHERE state_name = @state AND grain_id = @grain AND version = @version RETURNING version
                    """), stateName, grainId, etag).With("@data", data.ToArray());
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

            await using var command = Keyed(connection.Command("""
                UPDATE grain_state SET data = NULL, version = version + 1
                WHERE state_name = @state AND grain_id = @grain AND version = @version RETURNING version
                """), stateName, grainId, etag);
            return await command.ExecuteScalarAsync(cancellationToken) is long cleared
                ? Format(cleared)
                : throw await StaleAsync(connection, stateName, grainId, etag, cancellationToken);
        }, cancellationToken);

    private static async Task<GrainStateRecord?> ReadAsync(DbConnection connection, string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        await using var command = Keyed(
            connection.Command("SELECT data, version FROM grain_state WHERE state_name = @state AND grain_id = @grain"), stateName, grainId, etag: null);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var etag = Format(reader.GetInt64(1));
        return reader.IsDBNull(0) ? new GrainStateRecord(null, etag) : new GrainStateRecord(reader.GetFieldValue<byte[]>(0), etag);
    }

    private static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);

    private static DbCommand Keyed(DbCommand command, string stateName, GrainId grainId, string? etag)
    {
        command.With("@state", stateName).With("@grain", grainId.ToString());

        // An ETag that is not a version can match nothing.
        return etag is null ? command : command.With("@version", long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1L);
    }

    private static async Task<InconsistentStateException> StaleAsync(
        DbConnection connection, string stateName, GrainId grainId, string? etag, CancellationToken cancellationToken)
    {
        var stored = await ReadAsync(connection, stateName, grainId, cancellationToken);
        return InconsistentStateException.StaleEtag(stateName, grainId, etag, stored?.ETag);
    }
}
