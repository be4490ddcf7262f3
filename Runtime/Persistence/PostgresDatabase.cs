using System.Data.Common;
using System.Net.Sockets;
using Npgsql;

namespace Optimus.Runtime.Persistence;

/// <summary>The cluster's PostgreSQL database; a server that cannot be reached is unavailable.</summary>
internal sealed class PostgresDatabase(PostgresStorageOptions options) : SqlDatabase, IAsyncDisposable
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(options.ConnectionString);

    protected override string Name => "PostgreSQL";

    protected override string Blob => "BYTEA";

    protected override string Int64 => "BIGINT";

    protected override string TableOptions => "";

    public override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken); // row locks taken by the conditional UPDATEs serialise writers

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await _source.OpenConnectionAsync(cancellationToken);

    protected override bool IsUnavailable(Exception exception) =>
        exception is NpgsqlException npgsql && (npgsql.IsTransient || npgsql.InnerException is SocketException or TimeoutException);
}
