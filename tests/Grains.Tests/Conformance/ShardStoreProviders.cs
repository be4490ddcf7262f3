using Microsoft.Data.Sqlite;
using Optimus.Grains.Storage;
using Optimus.Runtime;
using Optimus.Runtime.Persistence;
using Optimus.Tests;
using Xunit;

namespace Optimus.Grains.Tests.Conformance;

public sealed class SqliteShardStoreConformance : ShardStoreConformance
{
    private readonly TempDirectory _database = new();

    private protected override Task<IShardStore> CreateStoreAsync() => Task.FromResult(Reopen());

    private protected override IShardStore Reopen() =>
        new SqlShardStore(new SqliteDatabase(new SqliteStorageOptions { DataSource = _database.File("shards.db") }));

    private protected override void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        _database.Dispose();
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresShardStoreConformance(PostgresFixture postgres) : ShardStoreConformance
{
    private string? _connectionString;

    private protected override async Task<IShardStore> CreateStoreAsync()
    {
        _connectionString = await postgres.Server.CreateDatabaseAsync();
        return Reopen();
    }

    private protected override IShardStore Reopen() =>
        new SqlShardStore(new PostgresDatabase(new PostgresStorageOptions { ConnectionString = _connectionString! }));
}
