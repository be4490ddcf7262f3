using System.Collections;

namespace Optimus.Silo.Api;

/// <summary>
/// An append-only list kept in chunks of <see cref="ChunkLength"/> items: for items of up to 80 bytes (a load request's
/// entries are 16) however long it grows no array of it is a large object, and growing copies nothing. A load request's
/// entries go into one, so that a request makes no work for the collector's full collections (which large objects
/// trigger) and no copies of arrays outgrown.
/// </summary>
internal sealed class ChunkedList<T> : IReadOnlyCollection<T>
{
    /// <summary>Items per chunk: 1,024 references or pairs of them stay well under the 85,000 bytes of a large object.</summary>
    public const int ChunkLength = 1024;

    private readonly List<T[]> _chunks = [];

    public int Count { get; private set; }

    public void Add(T item)
    {
        var at = Count % ChunkLength;
        if (at == 0)
        {
            _chunks.Add(new T[ChunkLength]);
        }

        _chunks[^1][at] = item;
        Count++;
    }

    public IEnumerator<T> GetEnumerator()
    {
        var left = Count;
        foreach (var chunk in _chunks)
        {
            for (var i = 0; i < Math.Min(left, ChunkLength); i++)
            {
                yield return chunk[i];
            }

            left -= ChunkLength;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
