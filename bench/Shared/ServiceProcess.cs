using System.Diagnostics;
using Optimus.Runtime.Testing;
using Optimus.Tests;

namespace Optimus.Bench;

/// <summary>
/// The service started from its build output as its own process, on a free port, with a fresh data directory (and any
/// further command-line arguments, such as a cluster's <c>--postgres</c>). Shared by the service and cluster benchmarks.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly string[] _arguments;
    private Process _process;

    private ServiceProcess(Process process, string dataDirectory, int port, string[] arguments)
    {
        _process = process;
        _arguments = arguments;
        DataDirectory = dataDirectory;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public string DataDirectory { get; }

    public Uri BaseAddress { get; }

    public int Id => _process.Id;

    public static async Task<ServiceProcess> StartAsync(params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var data = Directory.CreateTempSubdirectory("optimus-bench-").FullName;
        var port = LoopbackPort.Free();
        if (!arguments.Contains("--silo-port"))
        {
            arguments = [.. arguments, "--silo-port", LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture)]; // its gateway, kept over restarts
        }

        var service = new ServiceProcess(Launch(data, port, arguments), data, port, arguments);
        await service.WaitReadyAsync();
        return service;
    }

    /// <summary>Stops the service as an operator would (SIGTERM: a graceful stop), keeping its data.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>Starts the stopped service again over the same data and port; returns once it is ready.</summary>
    public async Task StartAgainAsync()
    {
        _process.Dispose();
        _process = Launch(DataDirectory, BaseAddress.Port, _arguments);
        await WaitReadyAsync();
    }

    private static Process Launch(string data, int port, string[] arguments)
    {
        var start = SiloLaunch.StartInfo(SiloLaunch.Directory("OPTIMUS_BENCH_SILO"));
        foreach (var argument in (string[])["--urls", $"http://127.0.0.1:{port}", "--data", data, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"[silo {port}] {e.Data}"); } }; // warnings and worse
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"[silo {port}] {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        for (var i = 0; i < 6000; i++)
        {
            try
            {
                if ((await http.GetAsync(new Uri("/readyz", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("The service did not become ready.");
    }

    /// <summary>The service's resident memory, from /proc.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    /// <summary>The resident bytes of the service's mappings of files whose path starts with <paramref name="directory"/>, from /proc.</summary>
    public long MappedBytes(string directory)
    {
        long total = 0;
        var inside = false;
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/smaps"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 5 && fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':'))
            {
                inside = fields.Length >= 6 && fields[5].StartsWith(directory, StringComparison.Ordinal); // a mapping's first line: address range ... path
            }
            else if (inside && fields is ["Rss:", var kilobytes, "kB"])
            {
                total += long.Parse(kilobytes, System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        return total;
    }

    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>Kills the process outright (SIGKILL).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
