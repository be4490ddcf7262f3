using Optimus.Runtime.Membership;
using Optimus.Runtime.Persistence;
using Optimus.Runtime.Tests.Support;
using Optimus.Tests;
using Xunit;

namespace Optimus.Runtime.Tests.Conformance;

public sealed class InMemoryMembershipTableConformance : MembershipTableConformance
{
    protected override Task<IMembershipTable> CreateTableAsync(string clusterId) => Task.FromResult<IMembershipTable>(new InMemoryMembershipTable());
}

public sealed class SqliteMembershipTableConformance : MembershipTableConformance, IDisposable
{
    private readonly TempSqlite _sqlite = new();

    protected override Task<IMembershipTable> CreateTableAsync(string clusterId) => Task.FromResult<IMembershipTable>(new SqlMembershipTable(_sqlite.Database, clusterId));

    public void Dispose() => _sqlite.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresMembershipTableConformance(PostgresFixture postgres) : MembershipTableConformance
{
    protected override async Task<IMembershipTable> CreateTableAsync(string clusterId) =>
        new SqlMembershipTable(new PostgresDatabase(new PostgresStorageOptions { ConnectionString = await postgres.Server.CreateDatabaseAsync() }), clusterId);
}
