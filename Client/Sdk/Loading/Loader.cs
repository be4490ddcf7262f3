using System.Buffers;
using System.Collections.Immutable;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
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
/// in). Each shard belongs to one of <see cref="LoadOptions.Parallelism"/> senders, which sends its shards' batches
/// one at a time, in the order they were filled, to the silo that holds the shard, retrying each under the same id
/// until the service acknowledges it (durably): so a key written twice ends with the value written last, as the
/// tally assumes. The first failure stops the load. Only the tables the load wrote to are tallied, so that a load
/// resumed for some tables declares nothing of the others.
/// </summary>
internal sealed class Loader
{
    // Batches filled and waiting per sender: enough that one sender's backlog rarely stalls the reader while others idle.
    private const int QueuedPerSender = 4;
    private const int StackKeyBytes = 256;
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly ApiConnection _api;
    private readonly RouteCache _routes;
    private readonly VersionLayout _layout;
    private readonly LoadOptions _options;
    private readonly IProgress<LoadProgress>? _progress;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Dictionary<string, LoadTable> _tables;
    private readonly ArrayPool<byte> _bodies;
    private readonly Channel<Batch>[] _queues;
    private long _buffered;
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
        _tables = layout.Tables.ToDictionary(t => t, t => new LoadTable(new TableTally(options.KeysAreUnique), layout.Shards), StringComparer.Ordinal);

        // The batch bodies' arrays, reused from batch to batch and dropped with the load: enough of each size for every
        // shard's batch being filled and every batch queued or in flight. A body is at most one entry past
        // MaxBatchBytes, and a body that outgrows its array takes one twice as large.
        _bodies = ArrayPool<byte>.Create(
            maxArrayLength: 4 * options.MaxBatchBytes,
            maxArraysPerBucket: (layout.Tables.Length * layout.Shards) + (options.Parallelism * (QueuedPerSender + 1)));
        _queues = [.. Enumerable.Range(0, options.Parallelism).Select(_ =>
            Channel.CreateBounded<Batch>(new BoundedChannelOptions(QueuedPerSender) { SingleWriter = true, SingleReader = true }))];
    }

    public async Task<LoadSummary> RunAsync(IAsyncEnumerable<TableEntry> entries, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var senders = _queues.Select(queue => Task.Run(() => SendAllAsync(queue.Reader, stop), CancellationToken.None)).ToArray();
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
            foreach (var queue in _queues)
            {
                queue.Writer.TryComplete();
            }
        }

        await Task.WhenAll(senders); // senders keep their failures to themselves (Fail): this never throws
        cancellationToken.ThrowIfCancellationRequested();
        _failure?.Throw();

        Report();
        return new LoadSummary(
            _layout.Id,
            _tables.Where(t => t.Value.Tally.Seen).ToImmutableDictionary(t => t.Key, t => t.Value.Tally.Stats(), StringComparer.Ordinal),
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
            var builder = Add(entry, out var added);
            if (!added)
            {
                await FlushAsync(builder, cancellationToken); // the entry did not fit: an empty batch takes it
                Add(entry, out _);
            }

            if (builder.Count >= _options.MaxBatchEntries)
            {
                await FlushAsync(builder, cancellationToken);
            }
            else if (_buffered > _options.MaxBufferedBytes)
            {
                await FlushAsync(Builders().MaxBy(b => b.Bytes)!, cancellationToken);
            }
        }

        foreach (var builder in Builders())
        {
            if (builder.Count > 0)
            {
                await FlushAsync(builder, cancellationToken);
            }
        }
    }

    // Checks an entry, tallies it and writes it to the batch of its table and shard (the shard the service will put it
    // in), its key turned into UTF-8 once for all of that; or, when the batch has no room for it, adds nothing and says
    // so (added false). Compiled optimized at its first call: it runs once per entry, and a load in a process just
    // started ran its first seconds at the first tier's speed.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private BatchBuilder Add(in TableEntry entry, out bool added)
    {
        if (!_tables.TryGetValue(entry.Table, out var table))
        {
            throw new ArgumentException(
                $"Dataset '{_layout.Dataset}' has no table '{entry.Table}'; its tables are {string.Join(", ", _layout.Tables)}.", nameof(entry));
        }

        var keyLength = string.IsNullOrEmpty(entry.Key) ? 0 : Encoding.UTF8.GetByteCount(entry.Key);
        var json = Check(entry, keyLength);
        Span<byte> key = keyLength <= StackKeyBytes ? stackalloc byte[keyLength] : new byte[keyLength];
        Encoding.UTF8.GetBytes(entry.Key, key);
        var keyHash = StableHash.Hash64(key);
        var shard = VersionLayout.ShardOf(keyHash, _layout.Shards);
        var builder = table.Builders[shard] ??= new BatchBuilder(entry.Table, shard, _bodies);

        if (builder.Count > 0 && builder.Bytes + BatchBuilder.MostBytes(key.Length, json.Length) > _options.MaxBatchBytes)
        {
            added = false;
            return builder;
        }

        table.Tally.Add(keyHash, EntryChecksum.Of(key, json.Span));
        var before = builder.Bytes;
        builder.Add(key, json.Span);
        _buffered += builder.Bytes - before;
        _read++;
        added = true;
        return builder;
    }

    // Hands a batch to the sender that owns its shard: one sender per shard keeps the shard's batches in order.
    private async Task FlushAsync(BatchBuilder builder, CancellationToken cancellationToken)
    {
        _buffered -= builder.Bytes;
        var batch = builder.Take(_batches++);
        var sender = ((_layout.Tables.IndexOf(batch.Table) * _layout.Shards) + batch.Shard) % _queues.Length;
        await _queues[sender].Writer.WriteAsync(batch, cancellationToken);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per entry: see Add
    private ReadOnlyMemory<byte> Check(in TableEntry entry, int keyBytes)
    {
        if (keyBytes is 0 or > Names.MaxKeyBytes)
        {
            throw new ArgumentException($"Key '{entry.Key}' of table '{entry.Table}' must have 1 to {Names.MaxKeyBytes} UTF-8 bytes.", nameof(entry));
        }

        var json = JsonText.Trim(entry.Json);
        if (json.Length > _options.MaxValueBytes)
        {
            throw new ArgumentException($"The value of key '{entry.Key}' in table '{entry.Table}' has {json.Length} bytes; at most {_options.MaxValueBytes} are allowed.", nameof(entry));
        }

        if (!JsonText.IsValue(json.Span))
        {
            throw new ArgumentException($"The value of key '{entry.Key}' in table '{entry.Table}' is not one JSON value.", nameof(entry));
        }

        return json;
    }

    private async Task SendAllAsync(ChannelReader<Batch> queue, CancellationTokenSource stop)
    {
        try
        {
            await foreach (var batch in queue.ReadAllAsync(stop.Token))
            {
                if (batch.Number != _options.DropBatch)
                {
                    await SendAsync(batch, stop.Token);
                }

                batch.Release();
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

    private IEnumerable<BatchBuilder> Builders() => _tables.Values.SelectMany(t => t.Builders).OfType<BatchBuilder>();

    private void Report() => _progress?.Report(new LoadProgress(
        Interlocked.Read(ref _read), Interlocked.Read(ref _acknowledged), Interlocked.Read(ref _bytes), Volatile.Read(ref _batchesAcknowledged), _time.GetElapsedTime(_started)));

    private void Fail(Exception exception, CancellationTokenSource stop)
    {
        Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(exception), null);
        stop.Cancel();
    }

    // A table of the version: what the load has tallied of it, and the batch being filled for each of its shards.
    private sealed record LoadTable(TableTally Tally, int Shards)
    {
        public BatchBuilder?[] Builders { get; } = new BatchBuilder?[Shards];
    }
}
