using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using Optimus.Grains.Storage;
using Optimus.Runtime;

namespace Optimus.Grains.Shards;

/// <summary>
/// The sealed segments this silo's shard activations have open, so that a read of one needs no grain turn: a segment
/// never changes, so the one-call-at-a-time guarantee that batches and sealing need buys a read nothing. A shard grain
/// adds its segment once it has opened and verified it, and withdraws it when it deactivates (idle, moved to another
/// silo, the silo stopping) or deletes its data — so a silo serves from here exactly the shards that are active on it,
/// as a call to their grains would. A read holds a reference to the segment, so a withdrawn segment is unmapped only
/// once the reads already in it are done. Reads here mark the shard as read, and the grain keeps itself from idle
/// collection while they come (see <see cref="EntryShardGrain"/>).
/// </summary>
internal sealed class OpenSegments
{
    private static readonly Segment.ValueAt Missing = new(-1, 0);
    private readonly ConcurrentDictionary<ShardKey, Shelved> _segments = new();

    /// <summary>
    /// Reads <paramref name="key"/> of a version's table (checked: see <see cref="Names.CheckKey"/>) from its shard's
    /// segment when this silo has it open: true with the value (null when the segment does not hold the key), false with
    /// the shard whose grain must be asked. The key is turned into UTF-8 once, to hash and to look up.
    /// </summary>
    [SkipLocalsInit] // the key's bytes are written before they are read
    public bool TryGet(VersionLayout layout, string table, string key, out int shard, out ReadOnlyMemory<byte>? value)
    {
        Span<byte> buffer = stackalloc byte[Names.MaxKeyBytes];
        var bytes = buffer[..Encoding.UTF8.GetBytes(key, buffer)];
        var hash = StableHash.Hash64(bytes);
        shard = VersionLayout.ShardOf(hash, layout.Shards);
        if (_segments.TryGetValue(new ShardKey(layout.Id, table, shard), out var shelved) && shelved.Segment.TryAcquire())
        {
            try
            {
                shelved.MarkRead();
                value = shelved.Segment.Get(bytes, hash);
                return true;
            }
            finally
            {
                shelved.Segment.Release();
            }
        }

        value = null;
        return false;
    }

    /// <summary>
    /// Reads into <paramref name="values"/> (by position) the keys of a version's table (checked: see
    /// <see cref="Names.CheckKey"/>) whose shards this silo has open, and returns the positions and shards of the others,
    /// whose shards' grains must be asked (null when there are none). The keys are turned into UTF-8 once, into one buffer, to
    /// hash and to look up; and every lookup's cache lines are asked for before the lookups are made, so that their
    /// misses overlap (<see cref="Segment.PrefetchIndex"/>).
    /// </summary>
    [SkipLocalsInit] // every element is written before it is read
    public List<(int Position, int Shard)>? GetMany(VersionLayout layout, string table, ImmutableArray<string> keys, ReadOnlyMemory<byte>?[] values)
    {
        const int StackKeys = 256;
        const int StackKeyBytes = 8 * 1024;
        var most = 0;
        foreach (var key in keys)
        {
            most += 3 * key.Length; // a UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair 4 for its two)
        }

        Span<int> ends = keys.Length <= StackKeys ? stackalloc int[keys.Length] : new int[keys.Length]; // where each key's bytes end
        Span<ulong> hashes = keys.Length <= StackKeys ? stackalloc ulong[keys.Length] : new ulong[keys.Length];
        Span<int> shardOf = keys.Length <= StackKeys ? stackalloc int[keys.Length] : new int[keys.Length];
        var open = new (Shelved? Shelf, bool Asked)[layout.Shards];
        List<(int Position, int Shard)>? elsewhere = null;
        byte[]? rented = null;
        var utf8 = most <= StackKeyBytes ? stackalloc byte[StackKeyBytes] : (rented = ArrayPool<byte>.Shared.Rent(most)); // given back below
        try
        {
            for (int i = 0, end = 0; i < keys.Length; i++)
            {
                var start = end;
                end = ends[i] = start + Encoding.UTF8.GetBytes(keys[i], utf8[start..]);
                hashes[i] = StableHash.Hash64(utf8[start..end]);
                var shard = shardOf[i] = VersionLayout.ShardOf(hashes[i], layout.Shards);
                if (!open[shard].Asked)
                {
                    open[shard] = (_segments.TryGetValue(new ShardKey(layout.Id, table, shard), out var shelved) && shelved.Segment.TryAcquire() ? shelved : null, true);
                    open[shard].Shelf?.MarkRead();
                }

                open[shard].Shelf?.Segment.PrefetchIndex(hashes[i]);
            }

            for (var i = 0; i < keys.Length; i++)
            {
                open[shardOf[i]].Shelf?.Segment.PrefetchRecord(hashes[i]);
            }

            Span<Segment.ValueAt> found = keys.Length <= StackKeys ? stackalloc Segment.ValueAt[keys.Length] : new Segment.ValueAt[keys.Length];
            long bytes = 0;
            for (var i = 0; i < keys.Length; i++)
            {
                if (open[shardOf[i]].Shelf is not { } shelf)
                {
                    (elsewhere ??= []).Add((i, shardOf[i]));
                }
                else if (shelf.Segment.TryLocate(utf8[(i == 0 ? 0 : ends[i - 1])..ends[i]], hashes[i], out found[i]))
                {
                    bytes += ValueArena.ChunkedBytes(found[i].Length);
                }
                else
                {
                    found[i] = Missing;
                }
            }

            var copies = new ValueArena(bytes); // the values read, in as few arrays as the arena allows: one up to 64 kB
            for (var i = 0; i < keys.Length; i++)
            {
                if (open[shardOf[i]].Shelf is { } shelf)
                {
                    values[i] = found[i] == Missing ? (ReadOnlyMemory<byte>?)null : copies.Copy(shelf.Segment.Value(found[i])); // a bare null would be an empty value
                }
            }

            return elsewhere;
        }
        finally
        {
            foreach (var (shelf, _) in open)
            {
                shelf?.Segment.Release();
            }

            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Serves reads of the shard from <paramref name="segment"/>, which its grain has opened and verified.</summary>
    public void Add(ShardKey shard, Segment segment) => _segments[shard] = new Shelved(segment);

    /// <summary>Stops serving the shard from <paramref name="segment"/>; reads already in it finish first (see <see cref="Segment.Release"/>).</summary>
    public void Withdraw(ShardKey shard, Segment segment)
    {
        if (_segments.TryGetValue(shard, out var shelved) && ReferenceEquals(shelved.Segment, segment))
        {
            _segments.TryRemove(KeyValuePair.Create(shard, shelved)); // never a successor's entry
        }
    }

    /// <summary>True when reads came through here since the last time this asked (and forgets that they did).</summary>
    public bool TakeReadSince(ShardKey shard) => _segments.TryGetValue(shard, out var shelved) && shelved.TakeRead();

    private sealed class Shelved(Segment segment)
    {
        private volatile bool _read;

        public Segment Segment { get; } = segment;

        // Checked before it is written: reads on every core keep the flag's cache line shared, not bouncing between them.
        public void MarkRead()
        {
            if (!_read)
            {
                _read = true;
            }
        }

        public bool TakeRead()
        {
            var read = _read;
            _read = false;
            return read;
        }
    }
}
