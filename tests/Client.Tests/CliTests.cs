using System.Text.Json;
using Optimus.Grains;
using Optimus.Tests;
using Xunit;

namespace Optimus.Client.Tests;

/// <summary>The <c>optimus</c> command line end to end against an embedded silo on loopback.</summary>
public sealed class CliTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private static string Value(string table, int i) => $"{{\"table\":\"{table}\",\"i\":{i}}}";

    private async Task<string> NewDatasetAsync(params string[] tables)
    {
        var name = OptimusApi.NewName();
        var created = await Cli.RunAsync(["datasets", "create", name, .. tables.SelectMany(t => new[] { "--table", t }), "--server", service.Server]);
        Assert.True(created.ExitCode == 0, created.Error);
        return name;
    }

    [Fact]
    public async Task Load_OfAMillionLines_IntoTwoTables_IsVerifiedBySaving_PublishedAndReadBack()
    {
        using var files = new InputFiles();
        var first = files.Write("first.tsv", Enumerable.Range(0, 600_000).Select(i => $"user:{i:D8}\t{Value("first", i)}"));
        var second = files.Write("second.tsv.gz", Enumerable.Range(0, 400_000).Select(i => $"user:{i:D8}\t{Value("second", i)}"));
        var dataset = await NewDatasetAsync("first", "second");

        var load = await Cli.RunAsync("load", "--dataset", dataset, "--table", $"first={first}", "--table", $"second={second}", "--publish", "--json", "--server", service.Server);

        Assert.True(load.ExitCode == 0, load.Error);
        var report = JsonDocument.Parse(load.Output).RootElement;
        var version = report.GetProperty("version").GetString()!;
        Assert.Equal("PUBLISHED", report.GetProperty("status").GetString());
        Assert.Equal(1_000_000, report.GetProperty("entries").GetInt64());

        // The server sealed the shards and found the counts and checksums the CLI computed and declared.
        using var client = service.NewClient();
        var saved = await client.GetVersionAsync(version);
        Assert.Equal(600_000, saved.Tables!["first"].Entries);
        Assert.Equal(400_000, saved.Tables["second"].Entries);
        Assert.Equal(report.GetProperty("tables").GetProperty("first").GetProperty("checksum").GetString(), saved.Tables["first"].Checksum);
        Assert.Contains(saved.History, e => e.Reason?.Contains("verified", StringComparison.Ordinal) == true);

        var get = await Cli.RunAsync("get", dataset, "second", "user:00399999", "--server", service.Server);
        Assert.Equal(0, get.ExitCode);
        Assert.Equal(Value("second", 399_999), get.Output.Trim());
        Assert.Contains($"read from {version}", get.Error, StringComparison.Ordinal);

        var sample = Enumerable.Range(0, 100).Select(i => $"user:{i * 5_999:D8}").ToList();
        var read = await client.GetManyAsync(dataset, "first", sample);
        Assert.Equal(version, read.Version);
        Assert.All(sample.Select((key, i) => (key, i)), s => Assert.Equal(Value("first", s.i * 5_999), read.JsonText(s.key)));
    }

    [Fact]
    public async Task AMalformedLine_IsReportedWithItsFileAndLine_AndTheNewDraftIsDiscarded()
    {
        using var files = new InputFiles();
        var path = files.Write("scores.tsv", ["a\t1", "b\t2", "c has no tab", "d\t{\"broken\":", "e\t5"]);
        var dataset = await NewDatasetAsync("t");

        var refused = await Cli.RunAsync("load", "-d", dataset, "-t", $"t={path}", "--values", "json", "--server", service.Server);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("scores.tsv:3: no tab", refused.Error, StringComparison.Ordinal);
        Assert.Contains("more than --max-errors 0", refused.Error, StringComparison.Ordinal);
        using var client = service.NewClient();
        var draft = await client.ListVersionsAsync(dataset).SingleAsync();
        Assert.Equal(VersionStatus.Discarded, draft.Status);

        // Allowed two, it skips both (each reported) and loads the rest.
        var skipped = await Cli.RunAsync("load", "-d", dataset, "-t", $"t={path}", "--values", "json", "--max-errors", "2", "--save", "--json", "--server", service.Server);
        Assert.True(skipped.ExitCode == 0, skipped.Error);
        Assert.Contains("scores.tsv:4: the value is not JSON", skipped.Error, StringComparison.Ordinal);
        var report = JsonDocument.Parse(skipped.Output).RootElement;
        Assert.Equal(2, report.GetProperty("malformedLines").GetInt32());
        Assert.Equal("SAVED", report.GetProperty("status").GetString());
        Assert.Equal(3, (await client.GetVersionAsync(report.GetProperty("version").GetString()!)).Tables!["t"].Entries);
    }

    [Fact]
    public async Task Csv_JsonLines_AndGzip_BecomeTheValuesTheySay()
    {
        using var files = new InputFiles();
        var csv = files.Write("people.csv", ["id,score,name", "p1,0.5,\"Smith, Jo\"", "p2,-3,\"two\nlines\"", "p3,7e2,\"say \"\"hi\"\"\"", "p4,1,5\" screen", "p5,2,café"]);
        var pairs = files.Write("pairs.csv", ["id,value", "k1,{\"a\":1}", "k2,plain text"]);
        var lines = files.Write("docs.jsonl.gz", ["{\"key\":\"j1\",\"value\":{\"nested\":[1,2,{\"x\":null}]}}", "", "{\"value\": \"s\", \"key\": \"j2\"}"]);
        var dataset = await NewDatasetAsync("people", "pairs", "docs");

        var load = await Cli.RunAsync("load", "-d", dataset, "-t", $"people={csv}", "-t", $"pairs={pairs}", "-t", $"docs={lines}", "--key-column", "id", "--publish", "--server", service.Server);
        Assert.True(load.ExitCode == 0, load.Error);

        using var client = service.NewClient();
        Assert.Equal("{\"score\":0.5,\"name\":\"Smith, Jo\"}", (await client.GetAsync(dataset, "people", "p1")).JsonText);
        Assert.Equal("{\"score\":-3,\"name\":\"two\\nlines\"}", (await client.GetAsync(dataset, "people", "p2")).JsonText);
        Assert.Equal("{\"score\":7e2,\"name\":\"say \\\"hi\\\"\"}", (await client.GetAsync(dataset, "people", "p3")).JsonText);
        Assert.Equal("{\"score\":1,\"name\":\"5\\\" screen\"}", (await client.GetAsync(dataset, "people", "p4")).JsonText); // a stray quote is text
        Assert.Equal("{\"score\":2,\"name\":\"café\"}", (await client.GetAsync(dataset, "people", "p5")).JsonText);
        Assert.Equal("{\"a\":1}", (await client.GetAsync(dataset, "pairs", "k1")).JsonText);
        Assert.Equal("\"plain text\"", (await client.GetAsync(dataset, "pairs", "k2")).JsonText);
        Assert.Equal("{\"nested\":[1,2,{\"x\":null}]}", (await client.GetAsync(dataset, "docs", "j1")).JsonText);
        Assert.Equal("\"s\"", (await client.GetAsync(dataset, "docs", "j2")).JsonText);
    }

    [Fact]
    public async Task ALoadResumedIntoItsDraft_AfterItFailedHalfway_CountsEachEntryOnce()
    {
        using var files = new InputFiles();
        var lines = Enumerable.Range(0, 30_000).Select(i => $"k{i}\t{i}").ToList();
        var broken = files.Write("broken.tsv", [.. lines.Take(25_000), "a line without a tab", .. lines.Skip(25_000)]);
        var fixedUp = files.Write("fixed.tsv", lines);
        var dataset = await NewDatasetAsync("t");

        // The first run stops at the bad line, 25,000 lines in, after its first batches were acknowledged; --keep keeps the draft.
        var first = await Cli.RunAsync("load", "-d", dataset, "-t", $"t={broken}", "--batch-size", "1000", "--keep", "--server", service.Server);
        Assert.Equal(2, first.ExitCode);
        Assert.Contains("broken.tsv:25001: no tab", first.Error, StringComparison.Ordinal);
        using var client = service.NewClient();
        var version = (await client.ListVersionsAsync(dataset).SingleAsync()).Id;

        var second = await Cli.RunAsync("load", "-d", dataset, "-t", $"t={fixedUp}", "--batch-size", "1000", "--version", version, "--save", "--json", "--server", service.Server);

        Assert.True(second.ExitCode == 0, second.Error);
        var report = JsonDocument.Parse(second.Output).RootElement;
        Assert.Equal("SAVED", report.GetProperty("status").GetString()); // the server found what the second run declared
        var fresh = report.GetProperty("newEntries").GetInt64();
        Assert.InRange(fresh, 5_000, 29_000); // what the first run had delivered was not counted again
        Assert.Equal(30_000, (await client.GetVersionAsync(version)).Tables!["t"].Entries);
    }

    [Fact]
    public async Task InputThatIsNotUtf8_OrWhoseKeyCannotBeRead_IsNamedByFileAndLine()
    {
        using var files = new InputFiles();
        var latin1 = Path.Combine(files.Directory, "latin1.tsv");
        await File.WriteAllBytesAsync(latin1, [.. "a\t1\nb\t2\n"u8.ToArray(), (byte)'c', 0xE9, (byte)'\t', (byte)'3', (byte)'\n']);
        var surrogate = files.Write("keys.jsonl", ["{\"key\":\"fine\",\"value\":1}", "{\"key\":\"\\ud800\",\"value\":2}"]);
        var dataset = await NewDatasetAsync("t");

        var notUtf8 = await Cli.RunAsync("load", "-d", dataset, "-t", $"t={latin1}", "--server", service.Server);
        Assert.Equal(2, notUtf8.ExitCode);
        Assert.Contains("latin1.tsv:3: not UTF-8", notUtf8.Error, StringComparison.Ordinal);

        var unreadable = await Cli.RunAsync("load", "-d", dataset, "-t", $"t={surrogate}", "--max-errors", "1", "--json", "--server", service.Server);
        Assert.True(unreadable.ExitCode == 0, unreadable.Error);
        Assert.Contains("keys.jsonl:2: the key cannot be read", unreadable.Error, StringComparison.Ordinal);
        Assert.Equal(1, JsonDocument.Parse(unreadable.Output).RootElement.GetProperty("entries").GetInt64());
    }

    [Fact]
    public async Task OnATerminal_TheLoadShowsItsProgress_AndTheServerComesFromTheEnvironment()
    {
        using var files = new InputFiles();
        var path = files.Write("scores.tsv", Enumerable.Range(0, 50_000).Select(i => $"k{i}\t{i}"));
        var dataset = await NewDatasetAsync("t");

        var shown = await Cli.RunAsync(terminal: true, "load", "-d", dataset, "-t", $"t={path}", "--save", "--server", service.Server);
        Assert.True(shown.ExitCode == 0, shown.Error);
        Assert.Contains("50,000 entries loaded", shown.Error, StringComparison.Ordinal); // the bar's last state
        Assert.Contains("SAVED", shown.Output, StringComparison.Ordinal);

        // A process of its own, told where the server is by OPTIMUS_SERVER alone.
        var listed = await Cli.RunProcessAsync(new Dictionary<string, string> { [OptimusClientOptions.ServerVariable] = service.Server }, "datasets", "show", dataset, "--json");
        Assert.True(listed.ExitCode == 0, listed.Error);
        Assert.Equal(dataset, JsonDocument.Parse(listed.Output).RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task TheServiceRefusing_ExitsWith3_AndSaysItsCode()
    {
        var missing = await Cli.RunAsync("datasets", "show", "no-such-dataset", "--server", service.Server);
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("[dataset-not-found]", missing.Error, StringComparison.Ordinal);

        var dataset = await NewDatasetAsync("t");
        var noKey = await Cli.RunAsync("get", dataset, "t", "k", "--server", service.Server);
        Assert.Equal(3, noKey.ExitCode);
        Assert.Contains("[no-active-version]", noKey.Error, StringComparison.Ordinal);

        var usage = await Cli.RunAsync("load", "--dataset", dataset);
        Assert.Equal(1, usage.ExitCode);
        Assert.Contains("--table", usage.Error, StringComparison.Ordinal);
        Assert.Equal(2, (await Cli.RunAsync("load", "-d", dataset, "-t", "t=/no/such/file.tsv", "--server", service.Server)).ExitCode);
        Assert.Equal(1, (await Cli.RunAsync("datasets", "list", "--server", "not a url")).ExitCode);
    }
}
