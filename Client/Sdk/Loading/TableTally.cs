using Optimus.Grains;

namespace Optimus.Client.Loading;

/// <summary>
/// Counts a table's distinct keys and sums their entry checksums as the service will, the last value of a key winning.
/// Keys are remembered by their 64-bit hash: two distinct keys sharing one (odds about n²/2⁶⁵) would count as one, so
/// the declared count would fall short and the save fail — a false alarm, never a false pass.
/// </summary>
internal sealed class TableTally(bool keysAreUnique)
{
    private readonly Dictionary<ulong, ulong> _checksums = [];
    private long _entries;
    private ulong _sum;

    /// <summary>True once the load has written an entry to the table.</summary>
    public bool Seen { get; private set; }

    public void Add(ulong keyHash, ulong entryChecksum)
    {
        Seen = true;
        if (keysAreUnique)
        {
            _entries++;
            _sum = unchecked(_sum + entryChecksum);
        }
        else
        {
            _checksums[keyHash] = entryChecksum;
        }
    }

    public TableStats Stats()
    {
        if (keysAreUnique)
        {
            return new TableStats(_entries, EntryChecksum.Format(_sum));
        }

        var sum = 0UL;
        foreach (var checksum in _checksums.Values)
        {
            sum = unchecked(sum + checksum);
        }

        return new TableStats(_checksums.Count, EntryChecksum.Format(sum));
    }
}
