using System.Collections.Concurrent;
using Optimus.Grains.Storage;

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
    private readonly ConcurrentDictionary<ShardKey, Shelved> _segments = new();

    /// <summary>
    /// Reads <paramref name="key"/> from the shard's segment when this silo has it open: true with the value (null when
    /// the segment does not hold the key), false when the shard's grain must be asked.
    /// </summary>
    public bool TryGet(ShardKey shard, string key, out ReadOnlyMemory<byte>? value)
    {
        if (_segments.TryGetValue(shard, out var shelved) && shelved.Segment.TryAcquire())
        {
            try
            {
                shelved.MarkRead();
                value = shelved.Segment.Get(key);
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
