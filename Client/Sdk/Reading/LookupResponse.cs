using System.Text.Json;
using Optimus.Grains;

namespace Optimus.Client.Reading;

/// <summary>
/// Reads the answer to a multi-key read, <c>{"version","found":{key:value},"missing":[key]}</c>, keeping each value as
/// a slice of the response body — the JSON text exactly as stored, not parsed and written again.
/// </summary>
internal static class LookupResponse
{
    public static string Parse(ReadOnlyMemory<byte> body, Dictionary<string, ReadOnlyMemory<byte>> found, List<string> missing)
    {
        var reader = new Utf8JsonReader(body.Span);
        string? version = null;
        Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.GetString();
            reader.Read();
            switch (property)
            {
                case "version":
                    version = reader.GetString();
                    break;
                case "found" when reader.TokenType == JsonTokenType.StartObject:
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var key = reader.GetString()!;
                        reader.Read();
                        var start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        found[key] = body[start..(int)reader.BytesConsumed];
                    }

                    break;
                case "missing" when reader.TokenType == JsonTokenType.StartArray:
                    while (reader.Read() && reader.TokenType == JsonTokenType.String)
                    {
                        missing.Add(reader.GetString()!);
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return version ?? throw new OptimusException("unexpected-response", "A multi-key read answered without the version it read.");
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new OptimusException("unexpected-response", $"A multi-key read did not answer a JSON object.");
        }
    }
}
