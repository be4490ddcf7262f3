namespace Optimus.Client;

/// <summary>Where an <see cref="OptimusClient"/> finds the service, and how patiently it retries.</summary>
public sealed class OptimusClientOptions
{
    /// <summary>The environment variable that names the servers when none is given: one URL, or several separated by commas.</summary>
    public const string ServerVariable = "OPTIMUS_SERVER";

    /// <summary>The service of the README's first command.</summary>
    public static readonly Uri DefaultServer = new("http://localhost:8888");

    /// <summary>
    /// The silos' HTTP addresses. A request goes to the first that answers; when one cannot be reached or is
    /// unavailable, the next is tried. Default: <c>OPTIMUS_SERVER</c>, else <c>http://localhost:8888</c>.
    /// </summary>
    public IList<Uri> Servers { get; } = [];

    /// <summary>
    /// Whether reads go through the silos' gateway port (their silo port, 11111 by default), in the grain protocol:
    /// several times cheaper per read than HTTP for client and service alike. The client learns the gateways from the
    /// service (<c>/cluster</c>) and connects in the background; until it has, and whenever a read cannot be made
    /// there, reads go over HTTP. Set it to false where only the HTTP port is reachable. Default: true.
    /// </summary>
    public bool ReadThroughGateway { get; set; } = true;

    /// <summary>How long one HTTP request may take before it counts as failed (and, if safe, is retried). Default: 100 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>How many times a request that is safe to repeat is sent before its failure reaches the caller. Default: 10.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The pause before the second attempt; it doubles for each later one, with jitter. Default: 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest pause between attempts. Default: 5 s (so 10 attempts outlast a silo's failure detection).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The servers of <see cref="ServerVariable"/>, or the default server.</summary>
    public static IReadOnlyList<Uri> ServersFromEnvironment() =>
        Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } text ? ParseServers(text) : [DefaultServer];

    /// <summary>Parses one URL or several separated by commas; throws <see cref="FormatException"/> naming a bad one.</summary>
    public static IReadOnlyList<Uri> ParseServers(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var servers = new List<Uri>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new FormatException($"'{part}' is not an http:// or https:// URL of an Optimus server.");
            }

            servers.Add(uri);
        }

        return servers.Count > 0 ? servers : throw new FormatException("Name at least one server URL.");
    }

    internal void Validate()
    {
        string? problem = MaxAttempts < 1 ? $"MaxAttempts must be at least 1; it is {MaxAttempts}."
            : RequestTimeout <= TimeSpan.Zero ? $"RequestTimeout must be positive; it is {RequestTimeout}."
            : RetryDelay < TimeSpan.Zero || MaxRetryDelay < RetryDelay ? $"RetryDelay ({RetryDelay}) must be between zero and MaxRetryDelay ({MaxRetryDelay})."
            : null;
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(OptimusClientOptions));
        }
    }
}
