using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Optimus.Client;

/// <summary>
/// One key read: its value as the JSON text that was loaded (null when the version has no such key), the version that
/// answered, and the version active at that moment.
/// </summary>
public sealed record EntryValue(string Key, ReadOnlyMemory<byte>? Json, string Version, string? ActiveVersion)
{
    /// <summary>True when the version holds the key.</summary>
    public bool Found => Json is not null;

    /// <summary>The value's JSON text, or null.</summary>
    public string? JsonText => Json is { } json ? Encoding.UTF8.GetString(json.Span) : null;

    /// <summary>The value deserialized, or default when the key was not found.</summary>
    public T? As<T>(JsonTypeInfo<T> type) => Json is { } json ? JsonSerializer.Deserialize(json.Span, type) : default;
}
