using Optimus.Grains;

namespace Optimus.Client;

/// <summary>
/// Saving ended with the verdict <c>FAILED</c>: the data the shards hold does not match what the loader declared (or
/// the draft was abandoned). The version can never be published; <see cref="Version"/> carries its history.
/// </summary>
public sealed class VersionFailedException : OptimusException
{
    public VersionFailedException()
        : this("A version failed verification.")
    {
    }

    public VersionFailedException(string message)
        : base(ProblemCodes.IntegrityMismatch, message)
    {
        Version = null!;
    }

    public VersionFailedException(string message, Exception innerException)
        : base(ProblemCodes.IntegrityMismatch, message, null, innerException)
    {
        Version = null!;
    }

    public VersionFailedException(VersionInfo version)
        : base(ProblemCodes.IntegrityMismatch, $"Version {version?.Id} FAILED: {version?.History.LastOrDefault()?.Reason ?? "no reason recorded"}")
    {
        Version = version!;
    }

    /// <summary>The failed version, with the reason in its history.</summary>
    public VersionInfo Version { get; }
}
