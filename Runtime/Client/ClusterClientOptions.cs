namespace Optimus.Runtime;

/// <summary>How a <see cref="ClusterClient"/> finds and uses the cluster's gateways.</summary>
public sealed class ClusterClientOptions : IValidatedOptions
{
    /// <summary>The cluster to connect to; gateways of other clusters refuse the client. Default: <c>optimus</c>.</summary>
    public string ClusterId { get; set; } = "optimus";

    /// <summary>How long a call waits for its response. Default: 30 seconds.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the client reads the membership table for gateways that came or went. Default: 1 second.</summary>
    public TimeSpan GatewayRefreshPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long connecting waits for a first gateway to answer, and one connection attempt may take. Default: 5 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many times a call that is safe to repeat — a read-only method, or a call that never left this process — is
    /// made before its silo-unavailable failure reaches the caller. Default: 3.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The pause before the second attempt; it doubles for each later one. Default: 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How arguments and results are serialized: add the same type resolvers as the silos have.</summary>
    public SerializationOptions Serialization { get; } = new();

    IEnumerable<string> IValidatedOptions.Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            yield return "ClusterClientOptions.ClusterId must not be empty.";
        }

        foreach (var (name, value) in new[] { (nameof(ResponseTimeout), ResponseTimeout), (nameof(GatewayRefreshPeriod), GatewayRefreshPeriod), (nameof(ConnectTimeout), ConnectTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return $"ClusterClientOptions.{name} must be positive; it is {value}.";
            }
        }

        if (MaxAttempts < 1)
        {
            yield return $"ClusterClientOptions.MaxAttempts must be at least 1; it is {MaxAttempts}.";
        }

        if (RetryDelay < TimeSpan.Zero)
        {
            yield return $"ClusterClientOptions.RetryDelay must not be negative; it is {RetryDelay}.";
        }
    }
}
