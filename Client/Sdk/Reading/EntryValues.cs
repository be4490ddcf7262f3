using System.Text;

namespace Optimus.Client;

/// <summary>
/// Many keys read from one version — never a mix: the values found (as their JSON texts), the keys missing, the version
/// that answered and the version active at that moment.
/// </summary>
public sealed record EntryValues(
    string Version, string? ActiveVersion, IReadOnlyDictionary<string, ReadOnlyMemory<byte>> Found, IReadOnlyList<string> Missing)
{
    /// <summary>The JSON text of <paramref name="key"/>'s value, or null when it was not found.</summary>
    public string? JsonText(string key) => Found.TryGetValue(key, out var json) ? Encoding.UTF8.GetString(json.Span) : null;
}
