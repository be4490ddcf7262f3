using System.Globalization;

namespace Optimus.Runtime;

/// <summary>
/// A silo process: host, port and generation. A restarted process gets a new generation, so a silo address names
/// one incarnation and never comes back once it is dead.
/// </summary>
public sealed record SiloAddress(string Host, int Port, long Generation)
{
    /// <summary>Creates the address of a process starting now, with the current time as its generation.</summary>
    public static SiloAddress Create(string host, int port, TimeProvider time) =>
        new(host, port, time.GetUtcNow().ToUnixTimeMilliseconds());

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}@{Generation}");
}
