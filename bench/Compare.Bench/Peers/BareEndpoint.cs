using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Optimus.Bench;
using Optimus.Runtime.Testing;

namespace Optimus.Compare.Bench.Peers;

/// <summary>
/// The yardstick for Optimus' REST reads: a bare ASP.NET Core endpoint serving the same entries from a dictionary, in
/// a process of its own (this benchmark's executable, started with <c>--serve-dictionary PORT ENTRIES</c>).
/// </summary>
internal sealed class BareEndpoint : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private BareEndpoint(Process process, int port)
    {
        _process = process;
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public static async Task<BareEndpoint> StartAsync(int entries)
    {
        var port = LoopbackPort.Free();
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            ArgumentList = { "--serve-dictionary", port.ToString(CultureInfo.InvariantCulture), entries.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var endpoint = new BareEndpoint(process, port);
        for (var i = 0; i < 3000; i++)
        {
            try
            {
                if (await endpoint.GetAsync(Data.Key(0)) == 1)
                {
                    return endpoint;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("The bare endpoint did not start.");
    }

    /// <summary>The server side: runs until killed.</summary>
    public static async Task ServeAsync(int port, int entries)
    {
        var values = new Dictionary<string, byte[]>(entries, StringComparer.Ordinal);
        for (var i = 0; i < entries; i++)
        {
            values[Data.Key(i)] = Data.Value(i);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/entries/{key}", (string key) => values.TryGetValue(key, out var value) ? Results.Bytes(value, "application/json") : Results.NotFound());
        await app.RunAsync();
    }

    public async Task<int> GetAsync(string key)
    {
        using var response = await _http.GetAsync(new Uri($"/entries/{key}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        await response.Content.CopyToAsync(Stream.Null);
        return response.IsSuccessStatusCode ? 1 : 0;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
