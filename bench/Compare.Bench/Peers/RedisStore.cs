namespace Optimus.Compare.Bench.Peers;

/// <summary>Redis: pipelined SET to load, GET and MGET to read, one connection per caller.</summary>
internal sealed class RedisStore(RedisPeer redis, int callers) : IStore
{
    private const int Pipeline = 10_000;
    private readonly RespConnection?[] _connections = new RespConnection?[callers];
    private (long Used, long Resident) _baseline;

    public string Name => "Redis";

    public async Task LoadAsync(int entries)
    {
        await using var connection = await RespConnection.ConnectAsync(redis.Port);
        for (var first = 0; first < entries; first += Pipeline)
        {
            var count = Math.Min(Pipeline, entries - first);
            for (var i = first; i < first + count; i++)
            {
                connection.WriteSet(Data.Key(i), Data.Value(i));
            }

            await connection.FlushAsync();
            for (var i = 0; i < count; i++)
            {
                await connection.ReadAsync();
            }
        }
    }

    public async Task<int> GetAsync(int caller, string key) =>
        await (await ConnectionAsync(caller)).CallAsync("GET", key) is byte[] ? 1 : 0;

    public async Task<int> GetManyAsync(int caller, string[] keys) =>
        ((List<object?>)(await (await ConnectionAsync(caller)).CallAsync(["MGET", .. keys]))!).Count(v => v is not null);

    /// <summary>Notes the server's memory before anything is loaded, so that what the entries took can be told.</summary>
    public async Task StartMeasuringAsync() => _baseline = await redis.MemoryAsync();

    public async Task<EntryBytes> BytesPerEntryAsync(int entries)
    {
        var (used, resident) = await redis.MemoryAsync();
        // Redis holds its data in memory; a snapshot is written only for the restart test.
        return new((double)(used - _baseline.Used) / entries, (double)(resident - _baseline.Resident) / entries, null);
    }

    /// <summary>Writes a snapshot and stops the server, then times its start until it has loaded the snapshot and a key answers.</summary>
    public async Task<double> RestartToServingSecondsAsync()
    {
        await DisposeConnectionsAsync();
        await redis.SaveAndStopAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await redis.RunAsync();
        await using var connection = await RespConnection.ConnectAsync(redis.Port);
        return await connection.CallAsync("GET", Data.Key(1)) is byte[] ? clock.Elapsed.TotalSeconds : throw new InvalidOperationException("Redis lost its data over a restart.");
    }

    public ValueTask DisposeAsync() => DisposeConnectionsAsync();

    private async ValueTask DisposeConnectionsAsync()
    {
        foreach (var connection in _connections)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }

        Array.Clear(_connections);
    }

    private async ValueTask<RespConnection> ConnectionAsync(int caller) =>
        _connections[caller] ??= await RespConnection.ConnectAsync(redis.Port);
}
