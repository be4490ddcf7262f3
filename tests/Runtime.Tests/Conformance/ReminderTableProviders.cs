using Optimus.Runtime.Reminders;
using Optimus.Runtime.Persistence;
using Optimus.Runtime.Tests.Support;
using Optimus.Tests;
using Xunit;

namespace Optimus.Runtime.Tests.Conformance;

public sealed class InMemoryReminderTableConformance : ReminderTableConformance
{
    protected override Task<IReminderTable> CreateTableAsync() => Task.FromResult<IReminderTable>(new InMemoryReminderTable());
}

public sealed class SqliteReminderTableConformance : ReminderTableConformance, IDisposable
{
    private readonly TempSqlite _sqlite = new();

    protected override Task<IReminderTable> CreateTableAsync() => Task.FromResult<IReminderTable>(new SqlReminderTable(_sqlite.Database));

    public void Dispose() => _sqlite.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresReminderTableConformance(PostgresFixture postgres) : ReminderTableConformance
{
    protected override async Task<IReminderTable> CreateTableAsync() =>
        new SqlReminderTable(new PostgresDatabase(new PostgresStorageOptions { ConnectionString = await postgres.Server.CreateDatabaseAsync() }));
}
