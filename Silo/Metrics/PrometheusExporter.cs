using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Optimus.Silo.Metrics;

/// <summary>
/// Serves <c>/metrics</c> in the Prometheus text format from the <c>Optimus*</c> meters of this host and the process's
/// <c>System.Runtime</c> meter (the collector's heap and committed memory, collections, pauses, CPU time, working set,
/// thread pool, exceptions): counters as <c>_total</c>, histograms as summaries (<c>_sum</c> and <c>_count</c>),
/// observed instruments as they are at the scrape, units of seconds and bytes in the name (<c>_seconds</c>,
/// <c>_bytes</c>). Series are keyed by their tag values without allocating, since grain calls record one each.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private const string RuntimeMeter = "System.Runtime";
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<SeriesKey, Series> _series = new();

    public PrometheusExporter(IMeterFactory meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            var meter = instrument.Meter;
            if ((ReferenceEquals(meter.Scope, meters) && meter.Name.StartsWith("Optimus", StringComparison.Ordinal))
                || (meter.Scope is null && meter.Name == RuntimeMeter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public string Render()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var instrument in _series.Values.GroupBy(s => s.Instrument).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            var name = instrument.Key.Name.Replace('.', '_') + instrument.Key.Unit switch
            {
                "s" => "_seconds",
                "By" => "_bytes",
                _ => "",
            };
            var (type, suffix) = instrument.Key switch
            {
                Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double> => ("counter", "_total"),
                Histogram<double> or Histogram<long> => ("summary", ""),
                _ => ("gauge", ""),
            };
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name}{suffix} {instrument.Key.Description}\n# TYPE {name}{suffix} {type}\n");
            foreach (var series in instrument.OrderBy(s => s.Labels, StringComparer.Ordinal))
            {
                series.Write(text, name + suffix);
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = new SeriesKey(instrument, Tag(tags, 0), Tag(tags, 1), Tag(tags, 2));
        if (!_series.TryGetValue(key, out var series))
        {
            series = _series.GetOrAdd(key, new Series(instrument, Labels(tags)));
        }

        series.Add(value);
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, int index) => index < tags.Length ? tags[index].Value as string : null;

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }

        var labels = new StringBuilder("{");
        foreach (var (name, value) in tags)
        {
            var escaped = (value?.ToString() ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
            labels.Append(labels.Length > 1 ? "," : "").Append(name.Replace('.', '_')).Append("=\"").Append(escaped).Append('"');
        }

        return labels.Append('}').ToString();
    }

    private readonly record struct SeriesKey(Instrument Instrument, string? First, string? Second, string? Third);

    private sealed class Series(Instrument instrument, string labels)
    {
        private readonly object _lock = new();
        private double _sum;
        private long _count;

        public Instrument Instrument { get; } = instrument;

        public string Labels { get; } = labels;

        public void Add(double value)
        {
            lock (_lock)
            {
                if (Instrument.IsObservable)
                {
                    _sum = value; // an observed instrument reports its level (a gauge) or its running total (a counter)
                }
                else
                {
                    _sum += value;
                }

                _count++;
            }
        }

        public void Write(StringBuilder text, string name)
        {
            lock (_lock)
            {
                if (Instrument is Histogram<double> or Histogram<long>)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{name}_sum{Labels} {_sum}\n{name}_count{Labels} {_count}\n");
                }
                else
                {
                    text.Append(CultureInfo.InvariantCulture, $"{name}{Labels} {_sum}\n");
                }
            }
        }
    }
}
