using Optimus.Runtime.Persistence;
using Optimus.Runtime.Tests.Support;
using Optimus.Tests;
using Xunit;

namespace Optimus.Runtime.Tests.Conformance;

public sealed class InMemoryGrainStorageConformance : GrainStorageConformance
{
    protected override Task<IGrainStorage> CreateStorageAsync() => Task.FromResult<IGrainStorage>(new InMemoryGrainStorage());
}

public sealed class SqliteGrainStorageConformance : GrainStorageConformance, IDisposable
{
    private readonly TempSqlite _sqlite = new();

    protected override Task<IGrainStorage> CreateStorageAsync() => Task.FromResult<IGrainStorage>(new SqlGrainStorage(_sqlite.Database));

    public void Dispose() => _sqlite.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresGrainStorageConformance(PostgresFixture postgres) : GrainStorageConformance
{
    protected override async Task<IGrainStorage> CreateStorageAsync() =>
        new SqlGrainStorage(new PostgresDatabase(new PostgresStorageOptions { ConnectionString = await postgres.Server.CreateDatabaseAsync() }));
}
