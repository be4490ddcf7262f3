using System.Net;
using Optimus.Tests;
using Xunit;

namespace Optimus.Silo.Tests;

/// <summary>The service executable, run as the README says: health, readiness, its data directory, graceful stop.</summary>
public sealed class ServiceTests
{
    [Fact]
    public async Task Service_IsHealthyAndReady_AndKeepsItsStoreInTheDataDirectory()
    {
        await using var silo = await SiloProcess.StartAsync();

        Assert.Equal("ok", await silo.Http.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        Assert.Equal("ready", await silo.Http.GetStringAsync(new Uri("/readyz", UriKind.Relative)));
        Assert.True(File.Exists(Path.Combine(silo.DataDirectory, "silo.db")));
    }

    [Fact]
    public async Task Service_PublishesItsOpenApiDocument_WithEveryRoute()
    {
        await using var silo = await SiloProcess.StartAsync();

        var document = await silo.Api.GetJsonAsync("/openapi/v1.json");

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        string[] expected =
        [
            "/v1/datasets", "/v1/datasets/{dataset}", "/v1/datasets/{dataset}/tables", "/v1/datasets/{dataset}/rollback",
            "/v1/versions", "/v1/versions/{version}", "/v1/versions/{version}/save", "/v1/versions/{version}/publish", "/v1/versions/{version}/discard",
            "/v1/datasets/{dataset}/tables/{table}/entries", "/v1/datasets/{dataset}/tables/{table}/entries/{key}", "/v1/datasets/{dataset}/tables/{table}/lookup",
            "/healthz", "/readyz",
        ];
        Assert.All(expected, path => Assert.Contains(path, paths));
    }

    [Fact]
    public async Task Metrics_CountGrainCallsEntriesReadsAndPublishes_InPrometheusText()
    {
        await using var silo = await SiloProcess.StartAsync();
        var dataset = OptimusApi.NewName();
        await silo.Api.CreateDatasetAsync(dataset, ["t"]);
        var version = await silo.Api.CreateVersionAsync(dataset);
        await silo.Api.LoadAsync(dataset, "t", version, [("a", "1"), ("b", "2")]);
        await silo.Api.SaveAsync(version);
        await silo.Api.PublishAsync(version);
        await silo.Api.GetManyAsync(dataset, "t", ["a", "b", "zzz"]);

        using var response = await silo.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE optimus_grain_calls_seconds summary", text, StringComparison.Ordinal);
        Assert.Contains("optimus_grain_calls_seconds_count{grain_type=\"dataset\",method=\"IDatasetGrain.Create\",outcome=\"ok\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains($"optimus_entries_written_total{{dataset=\"{dataset}\"}} 2\n", text, StringComparison.Ordinal);
        Assert.Contains($"optimus_keys_read_total{{dataset=\"{dataset}\",outcome=\"found\"}} 2\n", text, StringComparison.Ordinal);
        Assert.Contains($"optimus_keys_read_total{{dataset=\"{dataset}\",outcome=\"missing\"}} 1\n", text, StringComparison.Ordinal);
        Assert.Contains($"optimus_pointer_moves_total{{dataset=\"{dataset}\",kind=\"publish\"}} 1\n", text, StringComparison.Ordinal);
        Assert.Matches("optimus_activations [1-9][0-9]*\n", text);
    }

    [Fact]
    public async Task Metrics_ReportTheProcessRuntime_AsItIsAtEachScrape()
    {
        await using var silo = await SiloProcess.StartAsync();
        var cpus = $"dotnet_process_cpu_count {Environment.ProcessorCount}\n";

        var first = await silo.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var second = await silo.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Contains(cpus, first, StringComparison.Ordinal);
        Assert.Contains(cpus, second, StringComparison.Ordinal); // observed levels are not summed over scrapes
        Assert.Contains("# TYPE dotnet_process_cpu_time_seconds_total counter\n", second, StringComparison.Ordinal);
        Assert.Matches("dotnet_process_cpu_time_seconds_total\\{cpu_mode=\"user\"\\} [0-9.]+\n", second);
        Assert.Matches("dotnet_process_memory_working_set_bytes [1-9][0-9]*\n", second);
        Assert.Matches("dotnet_gc_heap_total_allocated_bytes_total [1-9][0-9]*\n", second);
        Assert.Matches("dotnet_gc_collections_total\\{gc_heap_generation=\"gen0\"\\} [0-9]+\n", second);
    }

    [Fact]
    public async Task Service_StopsGracefully_OnSigterm()
    {
        await using var silo = await SiloProcess.StartAsync();

        await silo.StopAsync();

        Assert.Contains("is shutting down", silo.Output, StringComparison.Ordinal);
        Assert.Contains("has stopped", silo.Output, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HttpRequestException>(() => silo.Http.GetAsync(new Uri("/healthz", UriKind.Relative)));
    }

    [Fact]
    public async Task Service_RestartsOverItsData_AfterBeingKilled()
    {
        await using var silo = await SiloProcess.StartAsync();

        await silo.KillAsync();
        await silo.StartAsync();

        using var ready = await silo.Http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }
}
