using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Optimus.Runtime.Diagnostics;

/// <summary>
/// The runtime's instruments, on the meter <c>Optimus.Runtime</c> of this host's <see cref="IMeterFactory"/> (so two
/// silos in one process keep their figures apart): every grain call served, by grain type, method and outcome, as one
/// histogram of durations (its count is the number of calls); and the number of activations. Recording is skipped
/// when nobody listens.
/// </summary>
internal sealed class SiloMetrics : IDisposable
{
    public const string MeterName = "Optimus.Runtime";
    private readonly Meter _meter;
    private readonly Histogram<double> _calls;

    public SiloMetrics(IMeterFactory meters, Func<int> activations)
    {
        _meter = meters.Create(MeterName);
        _calls = _meter.CreateHistogram<double>("optimus.grain.calls", "s", "Grain calls served and their durations, by grain type, method and outcome.");
        _meter.CreateObservableGauge("optimus.activations", activations, "{activation}", "Grain activations in this silo.");
    }

    public bool Enabled => _calls.Enabled;

    public void RecordCall(string grainType, string method, TimeSpan duration, bool succeeded) =>
        _calls.Record(duration.TotalSeconds, new TagList { { "grain_type", grainType }, { "method", method }, { "outcome", succeeded ? "ok" : "error" } });

    public void Dispose() => _meter.Dispose();
}
