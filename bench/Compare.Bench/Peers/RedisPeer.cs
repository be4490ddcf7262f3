using System.Diagnostics;
using System.Globalization;
using Optimus.Bench;
using Optimus.Runtime.Testing;

namespace Optimus.Compare.Bench.Peers;

/// <summary>
/// Debian's <c>redis-server</c>, started on a free loopback port in a temporary directory (no persistence while
/// measuring; an RDB snapshot for the restart test) and stopped at the end.
/// </summary>
internal sealed class RedisPeer : IAsyncDisposable
{
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("optimus-redis-").FullName;
    private Process? _process;

    public int Port { get; } = LoopbackPort.Free();

    public string DataDirectory => _directory;

    public static async Task<RedisPeer> StartAsync()
    {
        var redis = new RedisPeer();
        await redis.RunAsync();
        return redis;
    }

    /// <summary>Starts the server (loading the snapshot in its directory, if any) and waits until it has loaded and answers.</summary>
    public async Task RunAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList =
            {
                "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory,
                "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no", "--protected-mode", "no",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start; install Debian's redis-server.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = await RespConnection.ConnectAsync(Port);
                if (await connection.CallAsync("PING") is "PONG") // while it loads its snapshot, Redis answers LOADING
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is System.Net.Sockets.SocketException or InvalidOperationException or EndOfStreamException)
            {
                // not listening yet, or still loading its snapshot
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException("redis-server did not become ready.");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Writes a snapshot and stops the server (SAVE, then SHUTDOWN).</summary>
    public async Task SaveAndStopAsync()
    {
        await using (var connection = await RespConnection.ConnectAsync(Port))
        {
            await connection.CallAsync("SAVE");
            connection.Write("SHUTDOWN", "NOSAVE");
            await connection.FlushAsync();
        }

        await _process!.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary><c>used_memory</c> of <c>INFO memory</c>: bytes the data set takes.</summary>
    /// <summary>What the server's allocator holds for its data (<c>used_memory</c>), and its resident memory (<c>used_memory_rss</c>).</summary>
    public async Task<(long Used, long Resident)> MemoryAsync()
    {
        await using var connection = await RespConnection.ConnectAsync(Port);
        var info = System.Text.Encoding.ASCII.GetString((byte[])(await connection.CallAsync("INFO", "memory"))!).Split("\r\n");
        return (Field("used_memory:"), Field("used_memory_rss:"));

        long Field(string name) => long.Parse(info.First(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..], CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
        }

        System.IO.Directory.Delete(_directory, recursive: true);
    }
}
