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

    /// <summary>Bytes per entry in memory once served, and on disk; null where the system has no such figure.</summary>
    Task<(double? Memory, double? Disk)> BytesPerEntryAsync(int entries);
}
