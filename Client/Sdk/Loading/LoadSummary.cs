using Optimus.Grains;

namespace Optimus.Client;

/// <summary>
/// What a load sent: per table, the number of distinct keys and the checksum the service must find once it saves (pass
/// <see cref="Tables"/> to <see cref="OptimusClient.SaveAsync"/>), and how it went.
/// </summary>
public sealed record LoadSummary(
    string Version,
    IReadOnlyDictionary<string, TableStats> Tables,
    long Entries,
    long NewEntries,
    long Bytes,
    int Batches,
    TimeSpan Elapsed)
{
    /// <summary>Entries per second over the whole load.</summary>
    public double EntriesPerSecond => Elapsed > TimeSpan.Zero ? Entries / Elapsed.TotalSeconds : 0;
}
