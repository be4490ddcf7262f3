using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Optimus.Runtime.Testing;

/// <summary>
/// A PostgreSQL server for tests. With <c>OPTIMUS_TEST_POSTGRES</c> set to a connection string, that server is used.
/// Otherwise a throwaway one is started from the installed binaries (Debian's <c>postgresql</c> package): <c>initdb</c>
/// into a temporary folder, a free loopback port, run as the <c>postgres</c> user when the tests run as root, and
/// stopped and deleted on dispose. For tests it runs without fsync: they are about the providers' logic, and the
/// server's own durability is PostgreSQL's business; a benchmark asks for a <c>durable</c> server, with PostgreSQL's
/// defaults, and may restart it. Each test takes a database of its own with <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The environment variable that names an existing server to use instead of starting one.</summary>
    public const string ConnectionStringVariable = "OPTIMUS_TEST_POSTGRES";

    private readonly string? _directory;
    private readonly string[] _serverArguments;
    private readonly bool _asRoot;
    private Process? _process;

    private PostgresServer(string connectionString, string? directory, string[] serverArguments, bool asRoot)
    {
        ConnectionString = connectionString;
        _directory = directory;
        _serverArguments = serverArguments;
        _asRoot = asRoot;
    }

    /// <summary>The server's administrative connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>Uses the server named by <see cref="ConnectionStringVariable"/>, or starts a throwaway one.</summary>
    public static Task<PostgresServer> StartAsync() => StartAsync(durable: false);

    /// <summary>
    /// Like <see cref="StartAsync()"/>; with <paramref name="durable"/> the throwaway server keeps PostgreSQL's defaults
    /// (fsync, synchronous commit, full-page writes), as a benchmark against it must.
    /// </summary>
    public static async Task<PostgresServer> StartAsync(bool durable)
    {
        if (Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } existing)
        {
            return new PostgresServer(existing, null, [], asRoot: false);
        }

        var binaries = FindBinaries();
        var directory = Directory.CreateTempSubdirectory("optimus-pg-").FullName;
        var data = Path.Combine(directory, "data");
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", directory]);
        }

        await RunAsync(Path.Combine(binaries, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"], asRoot);
        var port = LoopbackPort.Free();
        string[] arguments = [
            Path.Combine(binaries, "postgres"), "-D", data, "-p", port.ToString(CultureInfo.InvariantCulture), "-c", "listen_addresses=127.0.0.1",
            "-c", $"unix_socket_directories={directory}", "-c", "max_connections=300",
            .. durable ? Array.Empty<string>() : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
        ];
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Database = "postgres",
            Timeout = 5,
        }.ConnectionString;
        var server = new PostgresServer(connectionString, directory, arguments, asRoot);
        try
        {
            await server.RunServerAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server cleanly (PostgreSQL's fast shutdown), keeping its data. Only for a server started here.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            throw new InvalidOperationException("Only a running server started here can be stopped.");
        }

        NpgsqlConnection.ClearAllPools();
        var data = _serverArguments[Array.IndexOf(_serverArguments, "-D") + 1];
        await RunAsync(Path.Combine(Path.GetDirectoryName(_serverArguments[0])!, "pg_ctl"), ["stop", "-D", data, "-m", "fast", "-w"], _asRoot);
        await process.WaitForExitAsync();
        process.Dispose();
        _process = null;
    }

    /// <summary>Starts a stopped server again over the same data; returns once it accepts a connection.</summary>
    public Task StartAgainAsync() => _process is null && _serverArguments.Length > 0
        ? RunServerAsync()
        : throw new InvalidOperationException("Only a stopped server started here can be started again.");

    private async Task RunServerAsync()
    {
        var start = Command(_serverArguments[0], _serverArguments[1..], _asRoot);
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException("PostgreSQL did not start.");
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString);
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (attempt < 2000 && !process.HasExited)
            {
                await Task.Delay(10);
            }
        }
    }

    /// <summary>Creates a fresh, uniquely named database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "optimus_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A temporary folder left behind is not worth failing a test run for.
            }
        }
    }

    private static string FindBinaries()
    {
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).FirstOrDefault()
            : null;
        return installed ?? throw new InvalidOperationException(
            $"PostgreSQL's server binaries were not found under /usr/lib/postgresql: install Debian's postgresql package (./test.sh does), or set {ConnectionStringVariable}.");
    }

    private static ProcessStartInfo Command(string file, string[] arguments, bool asPostgres)
    {
        var start = asPostgres ? new ProcessStartInfo("runuser") { ArgumentList = { "-u", "postgres", "--", file } } : new ProcessStartInfo(file);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static async Task RunAsync(string file, string[] arguments, bool asPostgres = false)
    {
        var start = Command(file, arguments, asPostgres);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {await errors}{await output}");
        }
    }

}
