using System.Diagnostics.CodeAnalysis;
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

    /// <summary>Reads an address in the form <see cref="ToString"/> writes: <c>host:port@generation</c>.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SiloAddress? address)
    {
        address = null;
        if (text is null)
        {
            return false;
        }

        var at = text.LastIndexOf('@');
        var colon = at > 0 ? text.LastIndexOf(':', at - 1) : -1;
        if (colon <= 0
            || !int.TryParse(text.AsSpan(colon + 1, at - colon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || !long.TryParse(text.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
        {
            return false;
        }

        address = new SiloAddress(text[..colon], port, generation);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}@{Generation}");
}
