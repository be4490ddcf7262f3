namespace Optimus.Runtime;

/// <summary>Who the silo is. Bound from the configuration section <c>Optimus:Silo</c>.</summary>
public sealed class SiloOptions : IValidatedOptions
{
    /// <summary>The cluster this silo belongs to; silos of other clusters are refused (part 2). Default: <c>optimus</c>.</summary>
    public string ClusterId { get; set; } = "optimus";

    /// <summary>A name for operators (logs, the membership table). Default: the machine's name.</summary>
    public string SiloName { get; set; } = Environment.MachineName;

    /// <summary>The host name or address other silos and clients reach this silo at. Default: <c>127.0.0.1</c>.</summary>
    public string AdvertisedHost { get; set; } = "127.0.0.1";

    /// <summary>The silo-to-silo and client gateway port. Default: 11111 (Orleans' silo port).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>
    /// Whether a silo that runs alone (without a membership table) listens on <see cref="SiloPort"/> for cluster
    /// clients, as every silo of a cluster does: their gateway. Default: false.
    /// </summary>
    public bool AcceptClientsWhenAlone { get; set; }

    /// <summary>How long a graceful stop waits for running and queued calls to finish, and then again for every grain
    /// to deactivate. Default: 30 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    IEnumerable<string> IValidatedOptions.Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            yield return "SiloOptions.ClusterId must not be empty.";
        }

        if (string.IsNullOrWhiteSpace(AdvertisedHost))
        {
            yield return "SiloOptions.AdvertisedHost must not be empty.";
        }

        if (SiloPort is < 1 or > 65535)
        {
            yield return $"SiloOptions.SiloPort must be 1 to 65535; it is {SiloPort}.";
        }

        if (ShutdownTimeout < TimeSpan.Zero)
        {
            yield return $"SiloOptions.ShutdownTimeout must not be negative; it is {ShutdownTimeout}.";
        }
    }
}
