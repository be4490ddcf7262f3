using Npgsql;
using Optimus.Runtime.Persistence;

namespace Optimus.Runtime.Reminders;

/// <summary>The reminder table in PostgreSQL: the same contract as SQLite's; grain hashes as BIGINT so ranges read by index.</summary>
internal sealed class PostgresReminderTable(PostgresDatabase database) : IReminderTable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS reminders (
            grain_id   TEXT   NOT NULL,
            name       TEXT   NOT NULL,
            grain_hash BIGINT NOT NULL,
            start_at   BIGINT NOT NULL,
            period     BIGINT NOT NULL,
            etag       TEXT   NOT NULL,
            PRIMARY KEY (grain_id, name)
        );
        CREATE INDEX IF NOT EXISTS reminders_by_hash ON reminders (grain_hash);
        """;

    private const string Columns = "grain_id, name, start_at, period, etag";

    public Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM reminders WHERE grain_id = @grain", c => c.Parameters.AddWithValue("grain", grainId.ToString()), cancellationToken);

    public async Task<ReminderEntry?> ReadRowAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            $"SELECT {Columns} FROM reminders WHERE grain_id = @grain AND name = @name",
            c =>
            {
                c.Parameters.AddWithValue("grain", grainId.ToString());
                c.Parameters.AddWithValue("name", name);
            },
            cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadRangeAsync(uint rangeStart, uint rangeEnd, CancellationToken cancellationToken)
    {
        var condition = rangeStart < rangeEnd ? "grain_hash > @start AND grain_hash <= @end" : "grain_hash > @start OR grain_hash <= @end";
        return QueryAsync(
            $"SELECT {Columns} FROM reminders WHERE {condition}",
            c =>
            {
                c.Parameters.AddWithValue("start", (long)rangeStart);
                c.Parameters.AddWithValue("end", (long)rangeEnd);
            },
            cancellationToken);
    }

    public Task<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken) =>
        database.RunAsync(Schema, async connection =>
        {
            var etag = Guid.NewGuid().ToString("N");
            await using var command = new NpgsqlCommand("""
                INSERT INTO reminders (grain_id, name, grain_hash, start_at, period, etag)
                VALUES (@grain, @name, @hash, @start, @period, @etag)
                ON CONFLICT (grain_id, name) DO UPDATE SET
                    grain_hash = excluded.grain_hash, start_at = excluded.start_at, period = excluded.period, etag = excluded.etag
                """, connection);
            command.Parameters.AddWithValue("grain", entry.GrainId.ToString());
            command.Parameters.AddWithValue("name", entry.Name);
            command.Parameters.AddWithValue("hash", (long)entry.GrainHash);
            command.Parameters.AddWithValue("start", entry.StartAt.UtcTicks);
            command.Parameters.AddWithValue("period", entry.Period.Ticks);
            command.Parameters.AddWithValue("etag", etag);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return etag;
        }, cancellationToken);

    public Task<bool> RemoveRowAsync(GrainId grainId, string name, string etag, CancellationToken cancellationToken) =>
        database.RunAsync(Schema, async connection =>
        {
            await using var command = new NpgsqlCommand("DELETE FROM reminders WHERE grain_id = @grain AND name = @name AND etag = @etag", connection);
            command.Parameters.AddWithValue("grain", grainId.ToString());
            command.Parameters.AddWithValue("name", name);
            command.Parameters.AddWithValue("etag", etag);
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    private Task<IReadOnlyList<ReminderEntry>> QueryAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<ReminderEntry>>(Schema, async connection =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            bind(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<ReminderEntry>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new ReminderEntry(
                    GrainId.Parse(reader.GetString(0)),
                    reader.GetString(1),
                    new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero),
                    TimeSpan.FromTicks(reader.GetInt64(3)),
                    reader.GetString(4)));
            }

            return rows;
        }, cancellationToken);
}
