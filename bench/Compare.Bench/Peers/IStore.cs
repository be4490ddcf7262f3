namespace Optimus.Compare.Bench.Peers;

/// <summary>One system under comparison, loaded with the same entries and read by the same load generator.</summary>
internal interface IStore : IAsyncDisposable
{
    string Name { get; }

    /// <summary>
    /// Loads entries 0..N-1 the way a user of this system would load in bulk; called again, replaces them the way its user
    /// would reload a dataset (Optimus: a new version, published; Redis: SET over the same keys; PostgreSQL: a new table
    /// swapped in for the old one in one transaction).
    /// </summary>
    Task LoadAsync(int entries);

    /// <summary>A caller's single-key read of a random key; returns 1 when found.</summary>
    Task<int> GetAsync(int caller, string key);

    /// <summary>A caller's read of several keys at once; returns how many were found.</summary>
    Task<int> GetManyAsync(int caller, string[] keys);

    /// <summary>
    /// Bytes per entry once served: in the memory that holds the data (what the data structures take), in the process's
    /// resident memory grown since it started (everything: the data, heaps, code, buffers), and on disk; null where the
    /// system has no such figure.
    /// </summary>
    Task<EntryBytes> BytesPerEntryAsync(int entries);
}

/// <summary>Bytes per entry: in the data's own memory, in the process's resident memory grown since start, on disk.</summary>
internal sealed record EntryBytes(double? Data, double? Process, double? Disk);
