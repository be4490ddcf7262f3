using Optimus.Runtime.Persistence;
using Optimus.Runtime.Reminders;

namespace Optimus.Runtime.Tests.Conformance;

public sealed class InMemoryReminderTableConformance : ReminderTableConformance
{
    protected override Task<IReminderTable> CreateTableAsync() => Task.FromResult<IReminderTable>(new InMemoryReminderTable());
}

public sealed class SqliteReminderTableConformance : ReminderTableConformance
{
    private readonly string _directory = Directory.CreateTempSubdirectory("optimus-kit-").FullName;

    protected override Task<IReminderTable> CreateTableAsync() =>
        Task.FromResult<IReminderTable>(new SqliteReminderTable(new SqliteDatabase(new SqliteStorageOptions { DataSource = Path.Combine(_directory, "kit.db") })));

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
