using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Optimus.Silo.Metrics;

/// <summary>
/// Serves <c>/metrics</c> in the Prometheus text format from the <c>Optimus*</c> meters of this host: counters as
/// <c>_total</c>, histograms as summaries (<c>_sum</c> and <c>_count</c>), gauges as they are observed at the scrape.
/// Series are keyed by their tag values without allocating, since grain calls record one each.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<SeriesKey, Series> _series = new();

    public PrometheusExporter(IMeterFactory meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Meter.Name.StartsWith("Optimus", StringComparison.Ordinal))
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
            var name = instrument.Key.Name.Replace('.', '_');
            var (type, suffix) = instrument.Key switch
            {
                Counter<long> or Counter<int> or Counter<double> => ("counter", "_total"),
                Histogram<double> or Histogram<long> => ("summary", instrument.Key.Unit == "s" ? "_seconds" : ""),
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
                if (Instrument is ObservableGauge<int> or ObservableGauge<long> or ObservableGauge<double>)
                {
                    _sum = value; // a gauge is what it was when last observed
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
