using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Optimus.Client.Http;
using Optimus.Client.Loading;
using Optimus.Client.Reading;
using Optimus.Client.Routing;
using Optimus.Grains;

namespace Optimus.Client;

/// <summary>
/// The .NET SDK of Optimus, for an embedded silo or a cluster: create datasets and versions, load entries with
/// integrity checks, save, publish, roll back, and read — one key or many, from the active version or a pinned one.
/// Every method is safe to call concurrently. A problem the service answers with is an <see cref="OptimusException"/>
/// carrying its code; what is safe to repeat is repeated on transient failures, on the next server when one is down.
/// Reads go over the silos' gateway port (the grain protocol) when the client can reach it, else over HTTP. In a
/// cluster, single-key reads and load batches go straight to the silo that holds their shard, as the client learns
/// from the service where shards live.
/// </summary>
public sealed class OptimusClient : IDisposable, IAsyncDisposable
{
    private const string VersionHeader = "X-Optimus-Version";
    private const string ActiveVersionHeader = "X-Optimus-Active-Version";
    private const int MaxKeysPerRequest = 1000;

    private readonly ApiConnection _api;
    private readonly RouteCache _routes;
    private readonly GatewayReads? _gateway;
    private readonly TimeProvider _time;

    /// <summary>A client of the servers of <c>OPTIMUS_SERVER</c>, or of <c>http://localhost:8888</c>.</summary>
    public OptimusClient()
        : this(new OptimusClientOptions())
    {
    }

    /// <summary>A client of one server, such as <c>http://localhost:8888</c>.</summary>
    public OptimusClient(Uri server)
        : this(WithServer(server))
    {
    }

    public OptimusClient(OptimusClientOptions options, TimeProvider? time = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _time = time ?? TimeProvider.System;
        _api = new ApiConnection(options, _time, handler);
        _routes = new RouteCache(_api, _time);
        _api.RouteFailed = _routes.Failed;
        _gateway = options.ReadThroughGateway ? new GatewayReads(_api, options, _time) : null;
    }

    /// <summary>The servers this client sends to, in the order it tries them.</summary>
    public IReadOnlyList<Uri> Servers => _api.Servers;

    // Datasets

    public async Task<DatasetInfo> CreateDatasetAsync(string name, IEnumerable<string> tables, int? keepVersions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var body = new CreateDatasetBody(name, [.. tables], keepVersions is { } keep ? new RetentionPolicy(keep) : null);
        using var response = await _api.SendAsync(
            server => Post(server, "/v1/datasets", JsonContent.Create(body, ClientJsonContext.Default.CreateDatasetBody)), Repeat.IfNotSent, cancellationToken);
        return await ApiConnection.ReadAsync(response, OptimusJsonContext.Default.DatasetInfo, cancellationToken);
    }

    public Task<DatasetInfo> GetDatasetAsync(string name, CancellationToken cancellationToken = default) =>
        GetAsync($"/v1/datasets/{Segment(name)}", OptimusJsonContext.Default.DatasetInfo, cancellationToken);

    /// <summary>Every dataset, page by page.</summary>
    public async IAsyncEnumerable<DatasetInfo> ListDatasetsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? after = null;
        do
        {
            var page = await GetAsync(
                $"/v1/datasets?limit=100{(after is null ? "" : $"&after={Uri.EscapeDataString(after)}")}", OptimusJsonContext.Default.PageDatasetInfo, cancellationToken);
            foreach (var dataset in page.Items)
            {
                yield return dataset;
            }

            after = page.Next;
        }
        while (after is not null);
    }

    /// <summary>Publishes the version that was active before the current one. Not repeated unless it surely never arrived.</summary>
    public async Task<VersionInfo> RollbackAsync(string dataset, CancellationToken cancellationToken = default)
    {
        using var response = await _api.SendAsync(server => Post(server, $"/v1/datasets/{Segment(dataset)}/rollback", null), Repeat.IfNotSent, cancellationToken);
        return await ApiConnection.ReadAsync(response, OptimusJsonContext.Default.VersionInfo, cancellationToken);
    }

    // Versions

    /// <summary>A new draft (<c>AWAITING_ENTRIES</c>); <paramref name="expectedEntries"/> lets the service choose its shard count.</summary>
    public async Task<VersionInfo> CreateVersionAsync(string dataset, string? label = null, long? expectedEntries = null, CancellationToken cancellationToken = default)
    {
        var body = new CreateVersionBody(dataset, label, expectedEntries);
        using var response = await _api.SendAsync(
            server => Post(server, "/v1/versions", JsonContent.Create(body, ClientJsonContext.Default.CreateVersionBody)), Repeat.IfNotSent, cancellationToken);
        return await ApiConnection.ReadAsync(response, OptimusJsonContext.Default.VersionInfo, cancellationToken);
    }

    public Task<VersionInfo> GetVersionAsync(string version, CancellationToken cancellationToken = default) =>
        GetAsync($"/v1/versions/{Segment(version)}", OptimusJsonContext.Default.VersionInfo, cancellationToken);

    /// <summary>The versions of a dataset, newest first, page by page.</summary>
    public async IAsyncEnumerable<VersionInfo> ListVersionsAsync(string dataset, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? after = null;
        do
        {
            var page = await GetAsync(
                $"/v1/versions?dataset={Uri.EscapeDataString(dataset)}&limit=100{(after is null ? "" : $"&after={Uri.EscapeDataString(after)}")}",
                OptimusJsonContext.Default.PageVersionInfo, cancellationToken);
            foreach (var version in page.Items)
            {
                yield return version;
            }

            after = page.Next;
        }
        while (after is not null);
    }

    /// <summary>
    /// Loads entries into a draft: batches them by table and shard, sends batches in parallel, retries each under the
    /// same id until the service has it durably, reports progress, and returns each table's distinct-key count and
    /// checksum — declare them to <see cref="SaveAsync"/>. A load may be run again over the same input (after a crash,
    /// say): what already arrived is counted once.
    /// </summary>
    public async Task<LoadSummary> LoadAsync(
        string version, IAsyncEnumerable<TableEntry> entries, LoadOptions? options = null, IProgress<LoadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        options ??= new LoadOptions();
        options.Validate();
        var info = await GetVersionAsync(version, cancellationToken);
        if (info.Status != VersionStatus.AwaitingEntries)
        {
            throw new OptimusException(ProblemCodes.VersionNotWritable, $"Version {info.Id} is {VersionStatusNames.Of(info.Status)}: only a draft (AWAITING_ENTRIES) takes entries.");
        }

        var dataset = await GetDatasetAsync(info.Dataset, cancellationToken);
        var layout = new VersionLayout(info.Id, info.Dataset, dataset.Tables, info.Shards);
        await _routes.LearnAsync(info.Id).WaitAsync(cancellationToken);
        return await new Loader(_api, _routes, layout, options, progress, _time).RunAsync(entries, cancellationToken);
    }

    /// <summary>
    /// Seals a draft and waits for the verdict: the version <c>SAVED</c>, or a <see cref="VersionFailedException"/> when
    /// its data does not match <paramref name="expect"/> (per table: distinct keys and checksum, as a load returns them).
    /// Safe to repeat: a save already under way is waited for.
    /// </summary>
    public async Task<VersionInfo> SaveAsync(
        string version, IReadOnlyDictionary<string, TableStats>? expect = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var body = new SaveBody(expect);
        using var response = await _api.SendAsync(
            server => Post(server, $"/v1/versions/{Segment(version)}/save?wait=30", JsonContent.Create(body, ClientJsonContext.Default.SaveBody)), Repeat.Always, cancellationToken);
        VersionInfo info;
        if (response.StatusCode == HttpStatusCode.Conflict && await ApiConnection.ProblemOfAsync(response, cancellationToken) is { Code: ProblemCodes.InvalidTransition } refusal)
        {
            info = await GetVersionAsync(version, cancellationToken); // a repeated save that the first attempt already finished
            if (info.Status is not (VersionStatus.Saving or VersionStatus.Saved or VersionStatus.Failed))
            {
                throw refusal;
            }
        }
        else
        {
            info = await ApiConnection.ReadAsync(response, OptimusJsonContext.Default.VersionInfo, cancellationToken);
        }

        if (info.Status == VersionStatus.Saving)
        {
            info = await WaitForStatusAsync(version, [VersionStatus.Saved, VersionStatus.Failed, VersionStatus.Discarded], timeout, cancellationToken);
        }

        return info.Status switch
        {
            VersionStatus.Saved => Verified(info, expect),
            VersionStatus.Failed => throw new VersionFailedException(info),
            _ => throw new OptimusException(ProblemCodes.InvalidTransition, $"Version {info.Id} became {VersionStatusNames.Of(info.Status)} while it was being saved."),
        };
    }

    /// <summary>Makes a saved version the active one, for every table at once. Safe to repeat.</summary>
    public async Task<VersionInfo> PublishAsync(string version, CancellationToken cancellationToken = default)
    {
        using var response = await _api.SendAsync(server => Post(server, $"/v1/versions/{Segment(version)}/publish", null), Repeat.Always, cancellationToken);
        return await ApiConnection.ReadAsync(response, OptimusJsonContext.Default.VersionInfo, cancellationToken);
    }

    /// <summary>Gives a version up; its data is deleted. Not allowed for the active version. Safe to repeat.</summary>
    public async Task<VersionInfo> DiscardAsync(string version, string? reason = null, CancellationToken cancellationToken = default)
    {
        var body = new DiscardBody(reason);
        using var response = await _api.SendAsync(
            server => Post(server, $"/v1/versions/{Segment(version)}/discard", JsonContent.Create(body, ClientJsonContext.Default.DiscardBody)), Repeat.Always, cancellationToken);
        return await ApiConnection.ReadAsync(response, OptimusJsonContext.Default.VersionInfo, cancellationToken);
    }

    /// <summary>
    /// Polls a version until its status is one of <paramref name="statuses"/> and returns it; throws
    /// <see cref="TimeoutException"/> after <paramref name="timeout"/> (default: 10 minutes).
    /// </summary>
    public async Task<VersionInfo> WaitForStatusAsync(
        string version, IReadOnlyCollection<VersionStatus> statuses, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        var limit = timeout ?? TimeSpan.FromMinutes(10);
        var started = _time.GetTimestamp();
        var pause = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var info = await GetVersionAsync(version, cancellationToken);
            if (statuses.Contains(info.Status))
            {
                return info;
            }

            if (_time.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException($"Version {version} is still {VersionStatusNames.Of(info.Status)} after {limit}; waited for {string.Join(" or ", statuses.Select(VersionStatusNames.Of))}.");
            }

            await Task.Delay(pause, _time, cancellationToken);
            pause = TimeSpan.FromMilliseconds(Math.Min(1000, pause.TotalMilliseconds * 2));
        }
    }

    // Entries

    /// <summary>Reads one key from the active version, or from <paramref name="version"/> when given.</summary>
    public async Task<EntryValue> GetAsync(string dataset, string table, string key, string? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key is "." or "..")
        {
            // A path segment that URLs resolve away: read it by lookup, which carries keys in the body.
            var lookup = await GetManyAsync(dataset, table, [key], version, cancellationToken);
            return new EntryValue(key, lookup.Found.TryGetValue(key, out var value) ? value : null, lookup.Version, lookup.ActiveVersion);
        }

        var likely = version ?? _routes.ActiveHint(dataset); // unpinned: the silo resolves the version; the hint only picks the silo
        if (_gateway is not null
            && await _gateway.TryGetAsync(dataset, table, key, version, likely is null ? null : _routes.GatewayFor(likely, table, key), cancellationToken) is { } read)
        {
            if (version is null)
            {
                _routes.SawActive(dataset, read.Version);
            }

            return new EntryValue(key, read.Value, read.Version, read.ActiveVersion);
        }

        var path = $"/v1/datasets/{Segment(dataset)}/tables/{Segment(table)}/entries/{Uri.EscapeDataString(key)}{(version is null ? "" : $"?version={Uri.EscapeDataString(version)}")}";
        var routed = likely is null ? null : _routes.ServerFor(likely, table, key);
        using var response = await _api.SendAsync(server => new HttpRequestMessage(HttpMethod.Get, new Uri(server, path)), Repeat.Always, cancellationToken, routed);
        if (version is null && Header(response, VersionHeader) is { } answered)
        {
            _routes.SawActive(dataset, answered);
        }

        if (response.StatusCode == HttpStatusCode.NotFound && Header(response, VersionHeader) is { } missingFrom)
        {
            var problem = await ApiConnection.ProblemOfAsync(response, cancellationToken);
            return problem.Code == ProblemCodes.KeyNotFound ? new EntryValue(key, null, missingFrom, Header(response, ActiveVersionHeader)) : throw problem;
        }

        await ApiConnection.ThrowIfProblemAsync(response, cancellationToken);
        var json = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new EntryValue(key, json, Header(response, VersionHeader)!, Header(response, ActiveVersionHeader));
    }

    /// <summary>
    /// Reads many keys, all from one version: the active one (resolved once for all of them), or
    /// <paramref name="version"/> when given. More than 1,000 keys are read in several requests pinned to the version
    /// the first one read, so the answer never mixes versions.
    /// </summary>
    public async Task<EntryValues> GetManyAsync(
        string dataset, string table, IReadOnlyCollection<string> keys, string? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var distinct = keys.Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length == 0)
        {
            throw new ArgumentException("Name at least one key.", nameof(keys));
        }

        var found = new Dictionary<string, ReadOnlyMemory<byte>>(distinct.Length, StringComparer.Ordinal);
        var missing = new List<string>();
        string? active = null;
        var path = $"/v1/datasets/{Segment(dataset)}/tables/{Segment(table)}/lookup";
        for (var start = 0; start < distinct.Length; start += MaxKeysPerRequest)
        {
            var chunk = distinct[start..Math.Min(distinct.Length, start + MaxKeysPerRequest)];
            if (_gateway is not null && await _gateway.TryGetManyAsync(dataset, table, ImmutableCollectionsMarshal.AsImmutableArray(chunk), version, cancellationToken) is { } read)
            {
                for (var i = 0; i < chunk.Length; i++)
                {
                    if (read.Values[i] is { } value)
                    {
                        found[chunk[i]] = value;
                    }
                    else
                    {
                        missing.Add(chunk[i]);
                    }
                }

                version = read.Version; // later chunks pin it
                active ??= read.ActiveVersion;
                continue;
            }

            var body = new LookupBody(chunk, version);
            using var response = await _api.SendAsync(
                server => Post(server, path, JsonContent.Create(body, ClientJsonContext.Default.LookupBody)), Repeat.Always, cancellationToken);
            await ApiConnection.ThrowIfProblemAsync(response, cancellationToken);
            version = LookupResponse.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken), found, missing); // later requests pin it
            active ??= Header(response, ActiveVersionHeader);
        }

        return new EntryValues(version!, active, found, missing);
    }

    /// <summary>Closes the client's connections; a gateway connection closes in the background (see <see cref="DisposeAsync"/>).</summary>
    public void Dispose()
    {
        _api.Dispose();
        _ = _gateway?.DisposeAsync().AsTask();
    }

    /// <summary>Closes the client's connections, waiting until the gateway connection is closed.</summary>
    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }

    // A save repeated after an earlier one finished (or while it runs) is not verified against the new declaration by
    // the service: the client compares, so that declaring something else never passes unnoticed.
    private static VersionInfo Verified(VersionInfo saved, IReadOnlyDictionary<string, TableStats>? expect)
    {
        foreach (var (table, declared) in expect ?? new Dictionary<string, TableStats>())
        {
            var found = saved.Tables?.GetValueOrDefault(table);
            if (found is null || found.Entries != declared.Entries || !string.Equals(found.Checksum, declared.Checksum, StringComparison.OrdinalIgnoreCase))
            {
                throw new OptimusException(ProblemCodes.IntegrityMismatch,
                    $"Version {saved.Id} was already saved, and table '{table}' holds {found?.Entries ?? 0} entries (checksum {found?.Checksum ?? "none"}), not the {declared.Entries} (checksum {declared.Checksum}) declared.");
            }
        }

        return saved;
    }

    private async Task<T> GetAsync<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await _api.SendAsync(server => new HttpRequestMessage(HttpMethod.Get, new Uri(server, path)), Repeat.Always, cancellationToken);
        return await ApiConnection.ReadAsync(response, type, cancellationToken);
    }

    private static HttpRequestMessage Post(Uri server, string path, HttpContent? content) => new(HttpMethod.Post, new Uri(server, path)) { Content = content };

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string Segment(string name) => Uri.EscapeDataString(name ?? throw new ArgumentNullException(nameof(name)));

    private static OptimusClientOptions WithServer(Uri server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var options = new OptimusClientOptions();
        options.Servers.Add(server);
        return options;
    }
}
