using Optimus.Runtime.Reminders;
using Optimus.Runtime.Tests.Support;

namespace Optimus.Runtime.Tests.Conformance;

public sealed class InMemoryReminderTableConformance : ReminderTableConformance
{
    protected override Task<IReminderTable> CreateTableAsync() => Task.FromResult<IReminderTable>(new InMemoryReminderTable());
}

public sealed class SqliteReminderTableConformance : ReminderTableConformance, IDisposable
{
    private readonly TempSqlite _sqlite = new();

    protected override Task<IReminderTable> CreateTableAsync() => Task.FromResult<IReminderTable>(new SqliteReminderTable(_sqlite.Database));

    public void Dispose() => _sqlite.Dispose();
}
