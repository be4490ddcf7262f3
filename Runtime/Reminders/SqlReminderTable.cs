using System.Data.Common;
using Optimus.Runtime.Persistence;

namespace Optimus.Runtime.Reminders;

/// <summary>
/// The reminder table in a SQL database (SQLite or PostgreSQL). ETags are random, so an old one never matches a
/// re-created row; grain hashes are 64-bit columns so that ranges of the ring read by index.
/// </summary>
internal sealed class SqlReminderTable(SqlDatabase database) : IReminderTable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS reminders (
            grain_id   TEXT    NOT NULL,
            name       TEXT    NOT NULL,
            grain_hash {Int64} NOT NULL,
            start_at   {Int64} NOT NULL,
            period     {Int64} NOT NULL,
            etag       TEXT    NOT NULL,
            PRIMARY KEY (grain_id, name)
        ) {TableOptions};
        CREATE INDEX IF NOT EXISTS reminders_by_hash ON reminders (grain_hash);
        """;

    private const string Columns = "grain_id, name, start_at, period, etag";

    public Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM reminders WHERE grain_id = @grain", c => c.With("@grain", grainId.ToString()), cancellationToken);

    public async Task<ReminderEntry?> ReadRowAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            $"SELECT {Columns} FROM reminders WHERE grain_id = @grain AND name = @name",
            c => c.With("@grain", grainId.ToString()).With("@name", name),
            cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadRangeAsync(uint rangeStart, uint rangeEnd, CancellationToken cancellationToken)
    {
        var condition = rangeStart < rangeEnd ? "grain_hash > @start AND grain_hash <= @end" : "grain_hash > @start OR grain_hash <= @end";
        return QueryAsync(
            $"SELECT {Columns} FROM reminders WHERE {condition}",
            c => c.With("@start", (long)rangeStart).With("@end", (long)rangeEnd),
            cancellationToken);
    }

    public Task<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken) =>
        database.RunAsync(Schema, async connection =>
        {
            var etag = Guid.NewGuid().ToString("N");
            await using var command = connection.Command("""
                INSERT INTO reminders (grain_id, name, grain_hash, start_at, period, etag)
                VALUES (@grain, @name, @hash, @start, @period, @etag)
                ON CONFLICT (grain_id, name) DO UPDATE SET
                    grain_hash = excluded.grain_hash, start_at = excluded.start_at, period = excluded.period, etag = excluded.etag
                """)
                .With("@grain", entry.GrainId.ToString()).With("@name", entry.Name).With("@hash", (long)entry.GrainHash)
                .With("@start", entry.StartAt.UtcTicks).With("@period", entry.Period.Ticks).With("@etag", etag);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return etag;
        }, cancellationToken);

    public Task<bool> RemoveRowAsync(GrainId grainId, string name, string etag, CancellationToken cancellationToken) =>
        database.RunAsync(Schema, async connection =>
        {
            await using var command = connection.Command("DELETE FROM reminders WHERE grain_id = @grain AND name = @name AND etag = @etag")
                .With("@grain", grainId.ToString()).With("@name", name).With("@etag", etag);
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    private Task<IReadOnlyList<ReminderEntry>> QueryAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<ReminderEntry>>(Schema, async connection =>
        {
            await using var command = connection.Command(sql);
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
