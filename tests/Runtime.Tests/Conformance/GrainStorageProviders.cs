using Optimus.Runtime.Persistence;
using Optimus.Runtime.Tests.Support;

namespace Optimus.Runtime.Tests.Conformance;

public sealed class InMemoryGrainStorageConformance : GrainStorageConformance
{
    protected override Task<IGrainStorage> CreateStorageAsync() => Task.FromResult<IGrainStorage>(new InMemoryGrainStorage());
}

public sealed class SqliteGrainStorageConformance : GrainStorageConformance, IDisposable
{
    private readonly TempSqlite _sqlite = new();

    protected override Task<IGrainStorage> CreateStorageAsync() => Task.FromResult<IGrainStorage>(new SqliteGrainStorage(_sqlite.Database));

    public void Dispose() => _sqlite.Dispose();
}
