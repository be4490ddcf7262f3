using System.Text;
using System.Text.Json;

namespace Optimus.Client;

/// <summary>
/// One entry to load: its table, its key, and its value as JSON text (UTF-8). The loader copies the value as soon as
/// it receives the entry, so a source may reuse the buffer once it yields the next one.
/// </summary>
public readonly record struct TableEntry(string Table, string Key, ReadOnlyMemory<byte> Json)
{
    /// <summary>An entry whose value is the JSON text <paramref name="json"/>.</summary>
    public static TableEntry FromJson(string table, string key, string json) => new(table, key, Encoding.UTF8.GetBytes(json));

    /// <summary>An entry whose value is the JSON string <paramref name="text"/>.</summary>
    public static TableEntry FromString(string table, string key, string text) =>
        new(table, key, JsonSerializer.SerializeToUtf8Bytes(text, ClientJsonContext.Default.String));
}
