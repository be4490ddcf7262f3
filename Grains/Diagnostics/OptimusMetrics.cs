using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Optimus.Grains.Diagnostics;

/// <summary>
/// Optimus' own instruments on the meter <c>Optimus</c>: entries written, keys read (found or missing), keys read
/// from a shard on another silo, and pointer moves (publish or rollback), each by dataset.
/// </summary>
internal sealed class OptimusMetrics : IDisposable
{
    public const string MeterName = "Optimus";
    private readonly Meter _meter;
    private readonly Counter<long> _written;
    private readonly Counter<long> _read;
    private readonly Counter<long> _forwarded;
    private readonly Counter<long> _moves;

    public OptimusMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _written = _meter.CreateCounter<long>("optimus.entries.written", "{entry}", "Entries accepted into versions (a repeated batch counts nothing).");
        _read = _meter.CreateCounter<long>("optimus.keys.read", "{key}", "Keys read, found or missing.");
        _forwarded = _meter.CreateCounter<long>(
            "optimus.keys.forwarded", "{key}", "Keys read through this silo from a shard on another silo: the hop a client that routes its reads spares.");
        _moves = _meter.CreateCounter<long>("optimus.pointer.moves", "{move}", "Publishes and rollbacks of the active version.");
    }

    public void Written(string dataset, int entries)
    {
        if (entries > 0)
        {
            _written.Add(entries, new KeyValuePair<string, object?>("dataset", dataset));
        }
    }

    public void Read(string dataset, int found, int missing)
    {
        if (!_read.Enabled)
        {
            return;
        }

        if (found > 0)
        {
            _read.Add(found, new TagList { { "dataset", dataset }, { "outcome", "found" } });
        }

        if (missing > 0)
        {
            _read.Add(missing, new TagList { { "dataset", dataset }, { "outcome", "missing" } });
        }
    }

    public void Forwarded(string dataset, int keys)
    {
        if (keys > 0)
        {
            _forwarded.Add(keys, new KeyValuePair<string, object?>("dataset", dataset));
        }
    }

    public void Moved(string dataset, string kind) =>
        _moves.Add(1, new TagList { { "dataset", dataset }, { "kind", kind } });

    public void Dispose() => _meter.Dispose();
}
