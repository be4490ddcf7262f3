using System.Data.Common;
using System.Net.Sockets;
using Npgsql;

namespace Optimus.Runtime.Persistence;

/// <summary>The cluster's PostgreSQL database; a server that cannot be reached is unavailable.</summary>
public sealed class PostgresDatabase(PostgresStorageOptions options) : SqlDatabase, IAsyncDisposable
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(options.ConnectionString);

    private protected override string Name => "PostgreSQL";

    private protected override string Blob => "BYTEA";

    private protected override string Int64 => "BIGINT";

    private protected override string TableOptions => "";

    public override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken); // row locks taken by the conditional UPDATEs serialise writers

    // Silos that start together create the same tables at once, and PostgreSQL's IF NOT EXISTS is not safe against
    // that race (a duplicate key in its catalog): they take turns under one advisory lock.
    private protected override async Task ApplySchemaAsync(DbConnection connection, string ddl)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var turn = connection.Command("SELECT pg_advisory_xact_lock(7411010)", transaction))
        {
            await turn.ExecuteNonQueryAsync();
        }

        await using (var create = connection.Command(ddl, transaction))
        {
            await create.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    private protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await _source.OpenConnectionAsync(cancellationToken);

    private protected override bool IsUnavailable(Exception exception) =>
        exception is NpgsqlException npgsql && (npgsql.IsTransient || npgsql.InnerException is SocketException or TimeoutException);
}
