using Optimus.Runtime.Persistence;

namespace Optimus.Runtime.Tests.Conformance;

public sealed class InMemoryGrainStorageConformance : GrainStorageConformance
{
    protected override Task<IGrainStorage> CreateStorageAsync() => Task.FromResult<IGrainStorage>(new InMemoryGrainStorage());
}

public sealed class SqliteGrainStorageConformance : GrainStorageConformance
{
    private readonly string _directory = Directory.CreateTempSubdirectory("optimus-kit-").FullName;

    protected override Task<IGrainStorage> CreateStorageAsync() =>
        Task.FromResult<IGrainStorage>(new SqliteGrainStorage(new SqliteDatabase(new SqliteStorageOptions { DataSource = Path.Combine(_directory, "kit.db") })));

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
