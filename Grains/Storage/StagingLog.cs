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
/// and flushed to disk. Opening the log scans it: complete records give back the batch ids and their hashes, so a
/// retried batch is recognised after a restart, and a batch id reused for other entries is told apart; a torn record at
/// the end (a write that never finished, so never acknowledged, or zeros left by a power loss) is cut off.
/// </summary>
internal sealed class StagingLog : IDisposable
{
    private const int HeaderBytes = 12;
    private readonly FileStream _file;
    private readonly Dictionary<string, ulong> _batches = new(StringComparer.Ordinal);
    private Dictionary<string, StagedEntry>? _latest;

    private StagingLog(string path, FileStream file)
    {
        FilePath = path;
        _file = file;
    }

    public string FilePath { get; }

    /// <summary>Opens (or creates) the log, recovering from a torn tail.</summary>
    public static StagingLog Open(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        var created = !File.Exists(path);
        DirectorySync.CreateDurably(directory);
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
                end = log.Scan(map, (batchId, hash) => log._batches[batchId] = hash, entry: null);
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
    /// Appends a batch and flushes it to disk; when this returns <see cref="AppendOutcome.Appended"/>, the batch survives
    /// a crash. A batch id seen before writes nothing: the same batch again is a duplicate, other entries a conflict.
    /// </summary>
    public AppendOutcome Append(string batchId, ImmutableArray<Entry> entries)
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

            var hash = StableHash.Hash64(payload);
            if (_batches.TryGetValue(batchId, out var seen))
            {
                return seen == hash ? AppendOutcome.Duplicate : AppendOutcome.Conflict;
            }

            BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)payloadLength);
            BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(4), hash);
            _file.Write(buffer, 0, HeaderBytes + payloadLength);
            _file.Flush(flushToDisk: true);
            _batches[batchId] = hash;
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

        foreach (var (key, where) in written ?? [])
        {
            _latest![key] = where;
        }

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

    /// <summary>Where the last write of each key lies in the log, as mapped by <paramref name="map"/>: last write wins.</summary>
    public Dictionary<string, StagedEntry> LatestEntries(MappedFile map)
    {
        var latest = new Dictionary<string, StagedEntry>(StringComparer.Ordinal);
        Scan(map, static (_, _) => { }, entry => latest[Encoding.UTF8.GetString(map.Span(entry.KeyOffset, entry.KeyLength))] = entry);
        return latest;
    }

    public void Dispose() => _file.Dispose();

    // Built on the first read of a draft only: a load that nobody reads never pays for it.
    private Dictionary<string, StagedEntry> LatestEntries()
    {
        using var map = MappedFile.Open(FilePath);
        return LatestEntries(map);
    }

    // Returns the length of the log's whole, intact records. A record that ends past the file or fails its hash is a
    // torn tail when nothing but zeros follows its start (a write cut short, or space a power loss left zeroed), and
    // corruption otherwise.
    private long Scan(MappedFile map, Action<string, ulong> batch, Action<StagedEntry>? entry)
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
            var payload = map.Span(payloadStart, (int)length);
            var position = Varint.TryRead(payload, out var idLength);
            batch(Encoding.UTF8.GetString(payload.Slice(position, (int)idLength)), hash);
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
