using System.Diagnostics;
using System.Net;
using Optimus.Runtime.Testing;

namespace Optimus.Tests;

/// <summary>
/// The service as a user runs it: a separate process on a free loopback port with its own data directory, which a
/// test can stop gracefully, kill outright (SIGKILL) and start again over the same data.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly bool _ownsData;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly IReadOnlyList<string> _arguments;
    private Process? _process;

    public SiloProcess(string? dataDirectory = null, IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? arguments = null)
    {
        _ownsData = dataDirectory is null;
        _environment = environment ?? new Dictionary<string, string>();
        _arguments = arguments ?? [];
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("optimus-silo-").FullName;
        Port = LoopbackPort.Free();
        SiloPort = _arguments.Contains("--silo-port") ? null : LoopbackPort.Free();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(120) };
        Api = new OptimusApi(Http);
    }

    public string DataDirectory { get; }

    public int Port { get; }

    /// <summary>The silo (gateway) port this process listens on, unless the arguments name one.</summary>
    public int? SiloPort { get; }

    public HttpClient Http { get; }

    public OptimusApi Api { get; }

    public string Output { get; private set; } = "";

    public static async Task<SiloProcess> StartAsync(
        string? dataDirectory = null, IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? arguments = null)
    {
        var silo = new SiloProcess(dataDirectory, environment, arguments);
        await silo.StartAsync();
        return silo;
    }

    public async Task StartAsync()
    {
        var start = SiloLaunch.StartInfo(SiloLaunch.Directory("OPTIMUS_TEST_SILO"));
        start.WorkingDirectory = DataDirectory;
        foreach (var argument in (string[])["--urls", $"http://127.0.0.1:{Port}", "--data", DataDirectory])
        {
            start.ArgumentList.Add(argument);
        }

        if (SiloPort is { } siloPort)
        {
            start.ArgumentList.Add("--silo-port");
            start.ArgumentList.Add(siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var argument in _arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The silo process did not start.");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); Output = output.ToString(); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); Output = output.ToString(); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The silo exited with {process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using var ready = await Http.GetAsync(new Uri("/readyz", UriKind.Relative));
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The silo was not ready within 60 s:\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Stops the process as an operator would (SIGTERM): the silo shuts down gracefully.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        if (!process.HasExited)
        {
            Kill(process.Id, "TERM");
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }

        process.Dispose();
    }

    /// <summary>Kills the process outright (SIGKILL): nothing runs on the way down.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        process.Kill();
        await process.WaitForExitAsync();
        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Http.Dispose();
        if (_ownsData)
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    private static void Kill(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
