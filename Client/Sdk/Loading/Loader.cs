using System.Collections.Immutable;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Threading.Channels;
using Optimus.Client.Http;
using Optimus.Client.Routing;
using Optimus.Grains;
using Optimus.Runtime;

namespace Optimus.Client.Loading;

/// <summary>
/// One load into one draft version. A single reader takes entries from the source, checks them, tallies each table's
/// count and checksum, and appends them to the batch of their table and shard (the shard the service will put them
/// in); full batches go into a bounded queue that <see cref="LoadOptions.Parallelism"/> senders drain, each sending its
/// batch to the silo that holds the shard and retrying it under the same id until the service acknowledges it
/// (durably). The first failure stops the load. Only
/// the tables the load wrote to are tallied, so that a load resumed for some tables declares nothing of the others.
/// </summary>
internal sealed class Loader
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly ApiConnection _api;
    private readonly RouteCache _routes;
    private readonly VersionLayout _layout;
    private readonly LoadOptions _options;
    private readonly IProgress<LoadProgress>? _progress;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Dictionary<string, TableTally> _tallies;
    private readonly Dictionary<(string Table, int Shard), BatchBuilder> _builders = [];
    private readonly Channel<Batch> _queue;
    private long _read;
    private long _acknowledged;
    private long _new;
    private long _bytes;
    private int _batchesAcknowledged;
    private int _batches;
    private ExceptionDispatchInfo? _failure;

    public Loader(ApiConnection api, RouteCache routes, VersionLayout layout, LoadOptions options, IProgress<LoadProgress>? progress, TimeProvider time)
    {
        _api = api;
        _routes = routes;
        _layout = layout;
        _options = options;
        _progress = progress;
        _time = time;
        _started = time.GetTimestamp();
        _tallies = layout.Tables.ToDictionary(t => t, _ => new TableTally(options.KeysAreUnique), StringComparer.Ordinal);
        _queue = Channel.CreateBounded<Batch>(new BoundedChannelOptions(options.Parallelism * 2) { SingleWriter = true });
    }

    public async Task<LoadSummary> RunAsync(IAsyncEnumerable<TableEntry> entries, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var senders = Enumerable.Range(0, _options.Parallelism).Select(_ => Task.Run(() => SendAllAsync(stop), CancellationToken.None)).ToArray();
        try
        {
            await ReadAllAsync(entries, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // a sender failed and stopped the load: its failure is thrown below
        }
#pragma warning disable CA1031 // the source's or the input's failure ends the load; it is thrown once the senders stop
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Fail(exception, stop);
        }
        finally
        {
            _queue.Writer.TryComplete();
        }

        await Task.WhenAll(senders); // senders keep their failures to themselves (Fail): this never throws
        cancellationToken.ThrowIfCancellationRequested();
        _failure?.Throw();

        Report();
        return new LoadSummary(
            _layout.Id,
            _tallies.Where(t => t.Value.Seen).ToImmutableDictionary(t => t.Key, t => t.Value.Stats(), StringComparer.Ordinal),
            _read,
            _new,
            _bytes,
            _batches,
            _time.GetElapsedTime(_started));
    }

    private async Task ReadAllAsync(IAsyncEnumerable<TableEntry> entries, CancellationToken cancellationToken)
    {
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            if (!_tallies.TryGetValue(entry.Table, out var tally))
            {
                throw new ArgumentException(
                    $"Dataset '{_layout.Dataset}' has no table '{entry.Table}'; its tables are {string.Join(", ", _layout.Tables)}.", nameof(entries));
            }

            var json = Check(entry);
            var keyHash = StableHash.Hash64(entry.Key);
            tally.Add(keyHash, EntryChecksum.Of(entry.Key, json));
            var shard = (int)(keyHash % (ulong)_layout.Shards);
            if (!_builders.TryGetValue((entry.Table, shard), out var builder))
            {
                _builders[(entry.Table, shard)] = builder = new BatchBuilder(entry.Table, shard);
            }

            builder.Add(entry.Key, json);
            _read++;
            if (builder.Count >= _options.MaxBatchEntries || builder.Bytes >= _options.MaxBatchBytes)
            {
                await _queue.Writer.WriteAsync(builder.Take(_batches++), cancellationToken);
            }
        }

        foreach (var builder in _builders.Values)
        {
            if (builder.Count > 0)
            {
                await _queue.Writer.WriteAsync(builder.Take(_batches++), cancellationToken);
            }
        }
    }

    private static ReadOnlySpan<byte> Check(in TableEntry entry)
    {
        if (string.IsNullOrEmpty(entry.Key) || Encoding.UTF8.GetByteCount(entry.Key) > Names.MaxKeyBytes)
        {
            throw new ArgumentException($"Key '{entry.Key}' of table '{entry.Table}' must have 1 to {Names.MaxKeyBytes} UTF-8 bytes.", nameof(entry));
        }

        var json = JsonText.Trim(entry.Json.Span);
        if (!JsonText.IsValue(json))
        {
            throw new ArgumentException($"The value of key '{entry.Key}' in table '{entry.Table}' is not one JSON value.", nameof(entry));
        }

        return json;
    }

    private async Task SendAllAsync(CancellationTokenSource stop)
    {
        try
        {
            await foreach (var batch in _queue.Reader.ReadAllAsync(stop.Token))
            {
                if (batch.Number != _options.DropBatch)
                {
                    await SendAsync(batch, stop.Token);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // the load stopped: cancelled by the caller, or another part failed
        }
#pragma warning disable CA1031 // the first failure stops the load and is thrown by RunAsync
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Fail(exception, stop);
        }
    }

    private async Task SendAsync(Batch batch, CancellationToken cancellationToken)
    {
        var path = $"/v1/datasets/{_layout.Dataset}/tables/{batch.Table}/entries?version={Uri.EscapeDataString(_layout.Id)}";
        using var response = await _api.SendAsync(server => new HttpRequestMessage(HttpMethod.Post, new Uri(server, path))
        {
            Content = new ReadOnlyMemoryContent(batch.Body) { Headers = { ContentType = Json } },
            Headers = { { "Idempotency-Key", batch.Id } },
        }, Repeat.Always, cancellationToken, _routes.ServerFor(_layout.Id, batch.Table, batch.Shard));
        var answer = await ApiConnection.ReadAsync(response, ClientJsonContext.Default.LoadAnswer, cancellationToken);
        Interlocked.Add(ref _new, answer.Accepted);
        Interlocked.Add(ref _acknowledged, batch.Count);
        Interlocked.Add(ref _bytes, batch.Body.Length);
        Interlocked.Increment(ref _batchesAcknowledged);
        Report();
    }

    private void Report() => _progress?.Report(new LoadProgress(
        Interlocked.Read(ref _read), Interlocked.Read(ref _acknowledged), Interlocked.Read(ref _bytes), Volatile.Read(ref _batchesAcknowledged), _time.GetElapsedTime(_started)));

    private void Fail(Exception exception, CancellationTokenSource stop)
    {
        Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(exception), null);
        stop.Cancel();
    }
}
