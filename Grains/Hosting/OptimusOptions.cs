using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>Where Optimus keeps its data and how retention runs. Bound from the configuration section <c>Optimus:Service</c>.</summary>
public sealed class OptimusOptions : IValidatedOptions
{
    /// <summary>The data directory: staging logs and segments live under <c>versions/</c> in it. Default: <c>data</c>.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>How often the janitor applies retention. Default: 1 minute (and never below the reminder minimum).</summary>
    public TimeSpan JanitorPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a draft may await entries without being saved before the janitor fails it. Default: 24 hours.</summary>
    public TimeSpan DraftTimeout { get; set; } = TimeSpan.FromHours(24);

    IEnumerable<string> IValidatedOptions.Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return "OptimusOptions.DataDirectory must name a directory.";
        }

        if (JanitorPeriod <= TimeSpan.Zero)
        {
            yield return $"OptimusOptions.JanitorPeriod must be positive; it is {JanitorPeriod}.";
        }

        if (DraftTimeout <= TimeSpan.Zero)
        {
            yield return $"OptimusOptions.DraftTimeout must be positive; it is {DraftTimeout}.";
        }
    }
}
