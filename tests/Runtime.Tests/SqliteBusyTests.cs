using System.Text;
using Microsoft.Data.Sqlite;
using Optimus.Runtime.Persistence;
using Xunit;

namespace Optimus.Runtime.Tests;

/// <summary>A SQLite store held busy by another writer past the busy timeout is "unavailable, retry", and changes nothing.</summary>
public sealed class SqliteBusyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("optimus-busy-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task BusyStore_IsUnavailable_AndTheWriteLandsOnRetry()
    {
        var path = Path.Combine(_directory, "busy.db");
        var storage = new SqlGrainStorage(new SqliteDatabase(new SqliteStorageOptions { DataSource = path, BusyTimeout = TimeSpan.FromSeconds(1) }));
        var grain = new GrainId("kit", "busy");
        await storage.WriteAsync("state", grain, Encoding.UTF8.GetBytes("before"), null, default); // creates the schema

        await using (var blocker = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await blocker.OpenAsync();
            await using var exclusive = blocker.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE";
            await exclusive.ExecuteNonQueryAsync();

            var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteAsync("state", grain, Encoding.UTF8.GetBytes("during"), "1", default));
            Assert.Contains("busy", failure.Message, StringComparison.Ordinal);
        }

        Assert.Equal("2", await storage.WriteAsync("state", grain, Encoding.UTF8.GetBytes("after"), "1", default));
    }
}
