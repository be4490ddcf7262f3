namespace Optimus.Client.Http;

/// <summary>
/// The SDK's one retry policy: exponential backoff from <see cref="OptimusClientOptions.RetryDelay"/> to
/// <see cref="OptimusClientOptions.MaxRetryDelay"/>, with "equal jitter" (half fixed, half random) so that many loaders
/// retrying at once spread out instead of arriving together.
/// </summary>
internal sealed class RetryPolicy(OptimusClientOptions options, TimeProvider time)
{
    public int MaxAttempts => options.MaxAttempts;

    /// <summary>Waits before attempt <paramref name="attempt"/> + 1.</summary>
    public Task DelayAsync(int attempt, CancellationToken cancellationToken)
    {
        var ceiling = Math.Min(options.MaxRetryDelay.TotalMilliseconds, options.RetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        var delay = TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
        return Task.Delay(delay, time, cancellationToken);
    }
}
