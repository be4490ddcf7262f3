using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using Optimus.Runtime;

namespace Optimus.Grains.Storage;

/// <summary>
/// The batches of one shard while its version awaits entries: an append-only file of records
/// <c>[u32 payload length][u64 xxHash64 of payload][payload]</c>, the payload being the batch id and its entries
/// (<c>varint length</c>-prefixed UTF-8 keys and JSON values). A batch is acknowledged only once its record is written
/// and flushed to disk. Opening the log scans it: complete records give back the batch ids, so a retried batch is
/// recognised after a restart; a torn record at the end (a write that never finished, so never acknowledged) is cut off.
/// </summary>
internal sealed class StagingLog : IDisposable
{
    private const int HeaderBytes = 12;
    private readonly FileStream _file;
    private readonly HashSet<string> _batchIds = new(StringComparer.Ordinal);
    private Dictionary<string, StagedEntry>? _latest;

    private StagingLog(string path, FileStream file)
    {
        FilePath = path;
        _file = file;
    }

    public string FilePath { get; }

    public int BatchCount => _batchIds.Count;

    /// <summary>Entries written, counting a key each time it was written.</summary>
    public long EntryCount { get; private set; }

    /// <summary>Opens (or creates) the log, recovering from a torn tail.</summary>
    public static StagingLog Open(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        var created = !File.Exists(path);
        Directory.CreateDirectory(directory);
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        if (created)
        {
            DirectorySync.Flush(directory);
        }

        var log = new StagingLog(path, file);
        try
        {
            long end;
            using (var map = MappedFile.Open(path))
            {
                end = log.Scan(map, batchId => log._batchIds.Add(batchId), entry: null);
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

    public bool Contains(string batchId) => _batchIds.Contains(batchId);

    /// <summary>Appends a batch and flushes it to disk; when this returns, the batch survives a crash.</summary>
    public void Append(string batchId, ImmutableArray<Entry> entries)
    {
        var idBytes = Encoding.UTF8.GetByteCount(batchId);
        var keyBytes = ArrayPool<int>.Shared.Rent(entries.Length);
        var payloadLength = Varint.SizeOf((uint)idBytes) + idBytes + Varint.SizeOf((uint)entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            keyBytes[i] = Encoding.UTF8.GetByteCount(entries[i].Key);
            var valueBytes = entries[i].Value.Length;
            payloadLength += Varint.SizeOf((uint)keyBytes[i]) + keyBytes[i] + Varint.SizeOf((uint)valueBytes) + valueBytes;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(HeaderBytes + payloadLength);
        var recordStart = _file.Position;
        var payloadStart = recordStart + HeaderBytes;
        var written = _latest is null ? null : new (string Key, StagedEntry Where)[entries.Length];
        try
        {
            var payload = buffer.AsSpan(HeaderBytes, payloadLength);
            var at = Varint.Write(payload, (uint)idBytes);
            at += Encoding.UTF8.GetBytes(batchId, payload[at..]);
            at += Varint.Write(payload[at..], (uint)entries.Length);
            for (var i = 0; i < entries.Length; i++)
            {
                var key = entries[i].Key;
                var value = entries[i].Value.Span;
                at += Varint.Write(payload[at..], (uint)keyBytes[i]);
                var keyOffset = payloadStart + at;
                at += Encoding.UTF8.GetBytes(key, payload[at..]);
                at += Varint.Write(payload[at..], (uint)value.Length);
                if (written is not null)
                {
                    written[i] = (key, new StagedEntry(keyOffset, keyBytes[i], payloadStart + at, value.Length));
                }

                value.CopyTo(payload[at..]);
                at += value.Length;
            }

            BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)payloadLength);
            BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(4), StableHash.Hash64(payload));
            _file.Write(buffer, 0, HeaderBytes + payloadLength);
            _file.Flush(flushToDisk: true);
        }
        catch
        {
            // Whatever part was written is a torn tail: cut it off, so the log stays a sequence of whole records.
            _file.SetLength(recordStart);
            _file.Position = recordStart;
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<int>.Shared.Return(keyBytes);
        }

        _batchIds.Add(batchId);
        EntryCount += entries.Length;
        foreach (var (key, where) in written ?? [])
        {
            _latest![key] = where;
        }
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

    /// <summary>Calls <paramref name="entry"/> for every entry of every complete record, in the order written.</summary>
    public void ForEachEntry(MappedFile map, Action<StagedEntry> entry) => Scan(map, static _ => { }, entry);

    public void Dispose() => _file.Dispose();

    // Built on the first read of a draft only: a load that nobody reads never pays for it.
    private Dictionary<string, StagedEntry> LatestEntries()
    {
        var latest = new Dictionary<string, StagedEntry>(StringComparer.Ordinal);
        using var map = MappedFile.Open(FilePath);
        ForEachEntry(map, entry => latest[Encoding.UTF8.GetString(map.Span(entry.KeyOffset, entry.KeyLength))] = entry);
        return latest;
    }

    // Returns the length of the log's whole, intact records. A record that ends past the file or fails its hash is a
    // torn tail when nothing follows it, and corruption otherwise.
    private long Scan(MappedFile map, Action<string> batch, Action<StagedEntry>? entry)
    {
        long at = 0;
        long entries = 0;
        while (at + HeaderBytes <= map.Length)
        {
            var header = map.Span(at, HeaderBytes);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
            var end = at + HeaderBytes + length;
            if (end > map.Length || StableHash.Hash64(map.Span(at + HeaderBytes, (int)length)) != BinaryPrimitives.ReadUInt64LittleEndian(header[4..]))
            {
                if (end < map.Length)
                {
                    throw new InvalidDataException($"Staging log '{FilePath}' is corrupt at byte {at}: a record fails its checksum.");
                }

                break;
            }

            var payloadStart = at + HeaderBytes;
            var payload = map.Span(payloadStart, (int)length);
            var position = Varint.TryRead(payload, out var idLength);
            batch(Encoding.UTF8.GetString(payload.Slice(position, (int)idLength)));
            position += (int)idLength;
            position += Varint.TryRead(payload[position..], out var count);
            for (var i = 0; i < count; i++)
            {
                position += Varint.TryRead(payload[position..], out var keyLength);
                var keyOffset = payloadStart + position;
                position += (int)keyLength;
                position += Varint.TryRead(payload[position..], out var valueLength);
                entry?.Invoke(new StagedEntry(keyOffset, (int)keyLength, payloadStart + position, (int)valueLength));
                position += (int)valueLength;
            }

            entries += count;
            at = end;
        }

        EntryCount = entries;
        return at;
    }
}
