using System.Collections.Immutable;
using System.Data;
using System.Data.Common;
using System.Text.Json;
using Optimus.Runtime.Persistence;
using Optimus.Runtime.Serialization;

namespace Optimus.Runtime.Membership;

/// <summary>
/// The membership table of one cluster in a SQL database (SQLite for several silos on one host, PostgreSQL for a
/// cluster of machines). A change is one write transaction: compare-and-swap the table version, then the row's ETag;
/// either fails and the transaction is rolled back, changing nothing.
/// </summary>
internal sealed class SqlMembershipTable(SqlDatabase database, string clusterId) : IMembershipTable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS membership_version (
            cluster_id TEXT    NOT NULL PRIMARY KEY,
            version    {Int64} NOT NULL
        ) {TableOptions};
        CREATE TABLE IF NOT EXISTS membership (
            cluster_id    TEXT    NOT NULL,
            host          TEXT    NOT NULL,
            port          INTEGER NOT NULL,
            generation    {Int64} NOT NULL,
            status        INTEGER NOT NULL,
            silo_name     TEXT    NOT NULL,
            started_at    {Int64} NOT NULL,
            i_am_alive_at {Int64} NOT NULL,
            suspicions    TEXT    NOT NULL,
            etag          TEXT    NOT NULL,
            PRIMARY KEY (cluster_id, host, port, generation)
        ) {TableOptions};
        """;

    private const string Key = "cluster_id = @cluster AND host = @host AND port = @port AND generation = @generation";

    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken) =>
        database.RunAsync(Schema, async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            await using var version = connection.Command("SELECT version FROM membership_version WHERE cluster_id = @cluster", transaction).With("@cluster", clusterId);
            var current = await version.ExecuteScalarAsync(cancellationToken) is long stored ? stored : 0;
            await using var rows = connection.Command(
                "SELECT host, port, generation, status, silo_name, started_at, i_am_alive_at, suspicions, etag FROM membership WHERE cluster_id = @cluster",
                transaction).With("@cluster", clusterId);
            await using var reader = await rows.ExecuteReaderAsync(cancellationToken);
            var result = ImmutableArray.CreateBuilder<MembershipRow>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var entry = new MembershipEntry(
                    new SiloAddress(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2)),
                    (MembershipStatus)reader.GetInt32(3),
                    reader.GetString(4),
                    new DateTimeOffset(reader.GetInt64(5), TimeSpan.Zero),
                    new DateTimeOffset(reader.GetInt64(6), TimeSpan.Zero),
                    [.. JsonSerializer.Deserialize(reader.GetString(7), RuntimeJsonContext.Default.SuspicionArray) ?? []]);
                result.Add(new MembershipRow(entry, reader.GetString(8)));
            }

            return new MembershipTableData(current, result.ToImmutable());
        }, cancellationToken);

    public Task<bool> InsertRowAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken) =>
        ChangeAsync(expectedVersion, (connection, transaction) => connection.Command("""
            INSERT INTO membership (cluster_id, host, port, generation, status, silo_name, started_at, i_am_alive_at, suspicions, etag)
            VALUES (@cluster, @host, @port, @generation, @status, @name, @started, @alive, @suspicions, @newEtag)
            ON CONFLICT DO NOTHING
            """, transaction), entry, etag: null, cancellationToken);

    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, long expectedVersion, CancellationToken cancellationToken) =>
        ChangeAsync(expectedVersion, (connection, transaction) => connection.Command($"""
            UPDATE membership SET status = @status, silo_name = @name, started_at = @started, i_am_alive_at = @alive,
                suspicions = @suspicions, etag = @newEtag
            WHERE {Key} AND etag = @etag
            """, transaction), entry, etag, cancellationToken);

    public Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.RunAsync(Schema, async connection =>
        {
            await using var command = Keyed(connection.Command($"UPDATE membership SET i_am_alive_at = @alive WHERE {Key}"), silo).With("@alive", at.UtcTicks);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task DeleteDeadRowsAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        database.RunAsync(Schema, async connection =>
        {
            await using var command = connection.Command("DELETE FROM membership WHERE cluster_id = @cluster AND status = @dead AND i_am_alive_at < @before")
                .With("@cluster", clusterId).With("@dead", (int)MembershipStatus.Dead).With("@before", before.UtcTicks);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    // Bumps the table version if it is still the expected one, then applies the row change; both or neither.
    private Task<bool> ChangeAsync(
        long expectedVersion, Func<DbConnection, DbTransaction, DbCommand> change, MembershipEntry entry, string? etag, CancellationToken cancellationToken) =>
        database.RunAsync(Schema, async connection =>
        {
            await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
            await using (var create = connection.Command("INSERT INTO membership_version (cluster_id, version) VALUES (@cluster, 0) ON CONFLICT DO NOTHING", transaction))
            {
                await create.With("@cluster", clusterId).ExecuteNonQueryAsync(cancellationToken);
            }

            await using var bump = connection.Command("UPDATE membership_version SET version = version + 1 WHERE cluster_id = @cluster AND version = @expected", transaction)
                .With("@cluster", clusterId).With("@expected", expectedVersion);
            await using var row = Keyed(change(connection, transaction), entry.Silo)
                .With("@status", (int)entry.Status).With("@name", entry.SiloName).With("@started", entry.StartedAt.UtcTicks)
                .With("@alive", entry.IAmAliveAt.UtcTicks).With("@suspicions", JsonSerializer.Serialize(entry.Suspicions.ToArray(), RuntimeJsonContext.Default.SuspicionArray))
                .With("@newEtag", Guid.NewGuid().ToString("N")).With("@etag", etag);
            if (await bump.ExecuteNonQueryAsync(cancellationToken) != 1 || await row.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }

            await transaction.CommitAsync(cancellationToken);
            return true;
        }, cancellationToken);

    private DbCommand Keyed(DbCommand command, SiloAddress silo) =>
        command.With("@cluster", clusterId).With("@host", silo.Host).With("@port", silo.Port).With("@generation", silo.Generation);
}
