namespace Optimus.Runtime;

/// <summary>How calls time out. Bound from the configuration section <c>Optimus:Messaging</c>.</summary>
public sealed class MessagingOptions : IValidatedOptions
{
    /// <summary>How long a caller waits for a response, unless the method says otherwise with
    /// <see cref="ResponseTimeoutAttribute"/>. Default: 30 seconds.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often expired calls are failed. A call times out at most this much late. Default: 1 second.</summary>
    public TimeSpan TimeoutSweepPeriod { get; set; } = TimeSpan.FromSeconds(1);

    IEnumerable<string> IValidatedOptions.Validate()
    {
        if (ResponseTimeout <= TimeSpan.Zero && ResponseTimeout != Timeout.InfiniteTimeSpan)
        {
            yield return $"MessagingOptions.ResponseTimeout must be positive; it is {ResponseTimeout}.";
        }

        if (TimeoutSweepPeriod <= TimeSpan.Zero || TimeoutSweepPeriod > TimeSpan.FromSeconds(1))
        {
            yield return $"MessagingOptions.TimeoutSweepPeriod must be more than zero and at most 1 second; it is {TimeoutSweepPeriod}.";
        }
    }
}
