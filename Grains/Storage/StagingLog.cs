using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using Optimus.Runtime;

namespace Optimus.Grains.Storage;

/// <summary>
/// The batches of one shard while its version awaits entries: an append-only file of <see cref="StagingRecord"/>s.
/// A durable log acknowledges a batch only once its record is written and flushed to disk; a log that caches batches
/// kept elsewhere (the shard store of a cluster) skips the flush. Opening the log scans it: complete records give back
/// the batch ids and their hashes, so a retried batch is recognised after a restart, and a batch id reused for other
/// entries is told apart; a torn record at the end (a write that never finished, so never acknowledged, or zeros left
/// by a power loss) is cut off.
/// </summary>
internal sealed class StagingLog : IDisposable
{
    private const int HeaderBytes = StagingRecord.HeaderBytes;
    private readonly FileStream _file;
    private readonly bool _durable;
    private readonly Dictionary<string, ulong> _batches = new(StringComparer.Ordinal);
    private Dictionary<string, StagedEntry>? _latest;
    private int _entryCount; // of every batch, a key written twice counted twice
    // The directory's entry for the file may not be on disk yet — it was just created, or by a process that died before
    // its first batch was acknowledged — so the first durable append after opening flushes it.
    private bool _nameUnflushed;

    private StagingLog(string path, FileStream file, bool durable)
    {
        FilePath = path;
        _file = file;
        _durable = durable;
    }

    public string FilePath { get; }

    /// <summary>How many batches the log holds.</summary>
    public int BatchCount => _batches.Count;

    /// <summary>
    /// Opens (or creates) the log, recovering from a torn tail; <paramref name="durable"/> logs flush every append, and
    /// with the first after opening the directory's entry for the file.
    /// </summary>
    public static StagingLog Open(string path, bool durable = true)
    {
        DirectorySync.CreateDurably(Path.GetDirectoryName(path)!);
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        var log = new StagingLog(path, file, durable) { _nameUnflushed = durable };
        try
        {
            long end;
            using (var map = MappedFile.Open(path))
            {
                end = log.Scan(map, (batchId, hash, count) =>
                {
                    log._batches[batchId] = hash;
                    log._entryCount += count;
                }, entry: null);
            }

            if (end < file.Length)
            {
                file.SetLength(end); // the torn tail of a batch that was never acknowledged
                file.Flush(flushToDisk: true);
            }

            file.Position = end;
            return log;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends a batch and, in a durable log, flushes it to disk; when this returns <see cref="AppendOutcome.Appended"/>,
    /// the batch survives a crash. A batch id seen before writes nothing: the same batch again is a duplicate, other
    /// entries a conflict. One append at a time: the next starts once this one has completed.
    /// </summary>
    public async Task<AppendOutcome> AppendAsync(string batchId, ImmutableArray<Entry> entries)
    {
        using var record = StagingRecord.Encode(batchId, entries);
        if (Seen(record) is { } seen)
        {
            return seen;
        }

        var recordStart = Write(record);
        if (_durable)
        {
            try
            {
                await DiskFlush.FileAsync(_file); // off the thread pool: see DiskFlush
                if (_nameUnflushed)
                {
                    await DiskFlush.DirectoryAsync(Path.GetDirectoryName(FilePath)!); // else a crash could lose the file itself
                    _nameUnflushed = false;
                }
            }
            catch
            {
                CutBack(recordStart);
                throw;
            }
        }

        Keep(record, recordStart);
        return AppendOutcome.Appended;
    }

    /// <summary>
    /// Appends a batch already encoded (by this silo, or read back from the shard store) to a log that caches batches
    /// kept elsewhere, and so flushes nothing; a durable log refuses it (see <see cref="AppendAsync"/>).
    /// </summary>
    public AppendOutcome AppendCached(StagingRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_durable)
        {
            throw new InvalidOperationException($"Staging log '{FilePath}' is durable: its batches are appended with AppendAsync, which flushes them.");
        }

        if (Seen(record) is { } seen)
        {
            return seen;
        }

        Keep(record, Write(record));
        return AppendOutcome.Appended;
    }

    /// <summary>The value last written for <paramref name="key"/>, for reads of a draft; null when there is none.</summary>
    public byte[]? Read(string key)
    {
        _latest ??= LatestEntries();
        if (!_latest.TryGetValue(key, out var where))
        {
            return null;
        }

        var value = new byte[where.ValueLength];
        RandomAccess.Read(_file.SafeFileHandle, value, where.ValueOffset);
        return value;
    }

    /// <summary>Every entry of the log in the order written, as mapped by <paramref name="map"/>; a key may repeat.</summary>
    public List<StagedEntry> Entries(MappedFile map)
    {
        var entries = new List<StagedEntry>(_entryCount); // sized once: a million entries are 24 MB
        Scan(map, static (_, _, _) => { }, entries.Add);
        return entries;
    }

    public void Dispose() => _file.Dispose();

    // What appending a batch id seen before comes to: a duplicate, or a conflict; null for a new one.
    private AppendOutcome? Seen(StagingRecord record) =>
        _batches.TryGetValue(record.BatchId, out var hash) ? hash == record.Hash ? AppendOutcome.Duplicate : AppendOutcome.Conflict : null;

    // Writes the record at the end of the log and returns where it starts; a write that fails is cut off.
    private long Write(StagingRecord record)
    {
        var recordStart = _file.Position;
        try
        {
            _file.Write(record.Bytes);
        }
        catch
        {
            CutBack(recordStart);
            throw;
        }

        return recordStart;
    }

    // Whatever part of a record was written is a torn tail: cut it off, so the log stays a sequence of whole records.
    private void CutBack(long recordStart)
    {
        _file.SetLength(recordStart);
        _file.Position = recordStart;
    }

    // The record is in the log for good: its batch id is known from now on, and a draft being read sees its entries.
    private void Keep(StagingRecord record, long recordStart)
    {
        _batches[record.BatchId] = record.Hash;
        _entryCount += record.EntryCount;
        if (_latest is { } latest)
        {
            var bytes = record.Bytes.ToArray(); // drafts being read only: keys are taken from the record just written
            StagingRecord.ReadPayload(bytes.AsSpan(HeaderBytes), recordStart + HeaderBytes, entry =>
                latest[Encoding.UTF8.GetString(bytes, (int)(entry.KeyOffset - recordStart), entry.KeyLength)] = entry, out _);
        }
    }

    // Where the last write of each key lies. Built on the first read of a draft only: a load that nobody reads never
    // pays for it.
    private Dictionary<string, StagedEntry> LatestEntries()
    {
        using var map = MappedFile.Open(FilePath);
        var latest = new Dictionary<string, StagedEntry>(StringComparer.Ordinal);
        Scan(map, static (_, _, _) => { }, entry => latest[Encoding.UTF8.GetString(map.Span(entry.KeyOffset, entry.KeyLength))] = entry);
        return latest;
    }

    // Returns the length of the log's whole, intact records. A record that ends past the file or fails its hash is a
    // torn tail when nothing but zeros follows its start (a write cut short, or space a power loss left zeroed), and
    // corruption otherwise.
    private long Scan(MappedFile map, Action<string, ulong, int> batch, Action<StagedEntry>? entry)
    {
        long at = 0;
        while (at + HeaderBytes <= map.Length)
        {
            var header = map.Span(at, HeaderBytes);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
            var end = at + HeaderBytes + length;
            var hash = BinaryPrimitives.ReadUInt64LittleEndian(header[4..]);
            if (length == 0 || end > map.Length || StableHash.Hash64(map.Span(at + HeaderBytes, (int)length)) != hash)
            {
                if (end < map.Length && !IsTornTail(map, at))
                {
                    throw new InvalidDataException($"Staging log '{FilePath}' is corrupt at byte {at}: a record fails its checksum.");
                }

                break;
            }

            var payloadStart = at + HeaderBytes;
            var batchId = StagingRecord.ReadPayload(map.Span(payloadStart, (int)length), payloadStart, entry, out var count);
            batch(batchId, hash, count);
            at = end;
        }

        return at;
    }

    // A record cut short leaves its partial bytes and then nothing; a power loss may leave zeros in its place.
    private static bool IsTornTail(MappedFile map, long at)
    {
        var header = map.Span(at, HeaderBytes);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (at + HeaderBytes + length >= map.Length)
        {
            return true;
        }

        for (var offset = at + HeaderBytes; offset < map.Length; offset += int.MaxValue / 2)
        {
            if (map.SpanAt(offset, int.MaxValue / 2).ContainsAnyExcept((byte)0))
            {
                return false;
            }
        }

        return true;
    }
}
