namespace Optimus.Client;

/// <summary>Where a load stands: entries taken from the source, entries the service acknowledged, bytes sent.</summary>
public readonly record struct LoadProgress(long EntriesRead, long EntriesAcknowledged, long BytesSent, int BatchesAcknowledged, TimeSpan Elapsed)
{
    /// <summary>Acknowledged entries per second so far.</summary>
    public double EntriesPerSecond => Elapsed > TimeSpan.Zero ? EntriesAcknowledged / Elapsed.TotalSeconds : 0;
}
