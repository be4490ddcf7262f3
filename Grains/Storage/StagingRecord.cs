using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using Optimus.Runtime;

namespace Optimus.Grains.Storage;

/// <summary>
/// One batch as a staging-log record, in a pooled buffer: <c>[u32 payload length][u64 xxHash64 of payload][payload]</c>,
/// the payload being the batch id and its entries (<c>varint length</c>-prefixed UTF-8 keys and JSON values). The same
/// payload and hash are what the shard store keeps, so a batch is encoded once however many places it goes.
/// </summary>
internal sealed class StagingRecord : IDisposable
{
    public const int HeaderBytes = 12;
    private byte[]? _buffer;

    private StagingRecord(string batchId, int entryCount, byte[] buffer, int length)
    {
        BatchId = batchId;
        EntryCount = entryCount;
        _buffer = buffer;
        Length = length;
        Hash = BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(4));
    }

    public string BatchId { get; }

    /// <summary>How many entries the batch holds.</summary>
    public int EntryCount { get; }

    /// <summary>The payload's hash: the same batch again has the same one.</summary>
    public ulong Hash { get; }

    /// <summary>The record's size, header included.</summary>
    public int Length { get; }

    /// <summary>The whole record, as it is written to a log.</summary>
    public ReadOnlySpan<byte> Bytes => Buffer.AsSpan(0, Length);

    /// <summary>The payload alone, as the shard store keeps it.</summary>
    public ReadOnlyMemory<byte> Payload => Buffer.AsMemory(HeaderBytes, Length - HeaderBytes);

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(StagingRecord));

    /// <summary>Encodes a batch.</summary>
    public static StagingRecord Encode(string batchId, ImmutableArray<Entry> entries)
    {
        var idBytes = Encoding.UTF8.GetByteCount(batchId);
        var keyBytes = ArrayPool<int>.Shared.Rent(entries.Length);
        try
        {
            var payloadLength = Varint.SizeOf((uint)idBytes) + idBytes + Varint.SizeOf((uint)entries.Length);
            for (var i = 0; i < entries.Length; i++)
            {
                keyBytes[i] = Encoding.UTF8.GetByteCount(entries[i].Key);
                var valueBytes = entries[i].Value.Length;
                payloadLength += Varint.SizeOf((uint)keyBytes[i]) + keyBytes[i] + Varint.SizeOf((uint)valueBytes) + valueBytes;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(HeaderBytes + payloadLength);
            var payload = buffer.AsSpan(HeaderBytes, payloadLength);
            var at = Varint.Write(payload, (uint)idBytes);
            at += Encoding.UTF8.GetBytes(batchId, payload[at..]);
            at += Varint.Write(payload[at..], (uint)entries.Length);
            for (var i = 0; i < entries.Length; i++)
            {
                var value = entries[i].Value.Span;
                at += Varint.Write(payload[at..], (uint)keyBytes[i]);
                at += Encoding.UTF8.GetBytes(entries[i].Key, payload[at..]);
                at += Varint.Write(payload[at..], (uint)value.Length);
                value.CopyTo(payload[at..]);
                at += value.Length;
            }

            return WithHeader(batchId, entries.Length, buffer, payloadLength);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(keyBytes);
        }
    }

    /// <summary>A record for a payload read back from the shard store.</summary>
    public static StagingRecord FromPayload(string batchId, ReadOnlySpan<byte> payload)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(HeaderBytes + payload.Length);
        payload.CopyTo(buffer.AsSpan(HeaderBytes));
        ReadPayload(payload, 0, entry: null, out var count);
        return WithHeader(batchId, count, buffer, payload.Length);
    }

    /// <summary>
    /// Reads a payload: its batch id, its entry count, and (to <paramref name="entry"/>) where each entry lies, counting
    /// offsets from <paramref name="payloadStart"/> (the payload's place in its file).
    /// </summary>
    public static string ReadPayload(ReadOnlySpan<byte> payload, long payloadStart, Action<StagedEntry>? entry, out int entryCount)
    {
        var position = Varint.TryRead(payload, out var idLength);
        var batchId = Encoding.UTF8.GetString(payload.Slice(position, (int)idLength));
        position += (int)idLength;
        position += Varint.TryRead(payload[position..], out var count);
        entryCount = (int)count;
        if (entry is null)
        {
            return batchId;
        }

        for (var i = 0; i < count; i++)
        {
            position += Varint.TryRead(payload[position..], out var keyLength);
            var keyOffset = payloadStart + position;
            position += (int)keyLength;
            position += Varint.TryRead(payload[position..], out var valueLength);
            entry(new StagedEntry(keyOffset, (int)keyLength, payloadStart + position, (int)valueLength));
            position += (int)valueLength;
        }

        return batchId;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static StagingRecord WithHeader(string batchId, int entryCount, byte[] buffer, int payloadLength)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)payloadLength);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(4), StableHash.Hash64(buffer.AsSpan(HeaderBytes, payloadLength)));
        return new StagingRecord(batchId, entryCount, buffer, HeaderBytes + payloadLength);
    }
}
