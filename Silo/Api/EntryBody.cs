using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Optimus.Grains;

namespace Optimus.Silo.Api;

/// <summary>
/// A load request's body, read whole and parsed without copying: each entry's value is its JSON text exactly as sent,
/// a slice of the body. Every limit and rule is checked before anything is written, so a bad request changes nothing.
/// The body is not pooled: the slices travel to the shards by reference, and a shard may still hold them after this
/// request has given up waiting for it.
/// </summary>
internal sealed class EntryBody
{
    private EntryBody(List<(string Table, Entry Entry)> entries) => Entries = entries;

    public IReadOnlyList<(string Table, Entry Entry)> Entries { get; }

    /// <summary>Reads <c>[{"key","value"}]</c> (with <paramref name="table"/>) or <c>[{"table","key","value"}]</c> (without).</summary>
    public static async Task<EntryBody> ReadAsync(HttpRequest request, ApiLimits limits, string? table) =>
        new(Parse(await ReadAllAsync(request, limits.MaxRequestBytes), limits, table));

    /// <summary>Reads a body that is one JSON value (the single-entry write), checked to be valid JSON.</summary>
    public static async Task<EntryBody> ReadValueAsync(HttpRequest request, ApiLimits limits, string table, string key)
    {
        var body = await ReadAllAsync(request, limits.MaxValueBytes);
        try
        {
            var reader = new Utf8JsonReader(body.Span);
            if (!reader.Read())
            {
                throw Invalid("The body must be a JSON value.");
            }

            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            var end = (int)reader.BytesConsumed;
            if (reader.Read())
            {
                throw Invalid("The body must be one JSON value; something follows it.");
            }

            return new EntryBody([(table, new Entry(key, body[start..end]))]);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            throw Invalid($"The body is not valid JSON: {exception.Message}");
        }
    }

    private static async Task<ReadOnlyMemory<byte>> ReadAllAsync(HttpRequest request, long limit)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync();
            if (result.Buffer.Length > limit)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                throw TooLarge(limit);
            }

            if (result.IsCompleted)
            {
                var body = System.Buffers.BuffersExtensions.ToArray(result.Buffer);
                reader.AdvanceTo(result.Buffer.End);
                return body;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static ProblemException TooLarge(long limit) =>
        new(ProblemCodes.PayloadTooLarge, $"The body is larger than the limit of {limit} bytes; split it into several requests.");

    private static List<(string Table, Entry Entry)> Parse(ReadOnlyMemory<byte> body, ApiLimits limits, string? table)
    {
        var entries = new List<(string, Entry)>();
        var reader = new Utf8JsonReader(body.Span);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw Invalid(table is null ? "The body must be a JSON array of {\"table\",\"key\",\"value\"} objects." : "The body must be a JSON array of {\"key\",\"value\"} objects.");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (entries.Count == limits.MaxEntriesPerRequest)
                {
                    throw new ProblemException(ProblemCodes.PayloadTooLarge,
                        $"A load request carries at most {limits.MaxEntriesPerRequest} entries; split it into several requests.");
                }

                entries.Add(ParseEntry(ref reader, body, limits, table, entries.Count));
            }

            if (reader.Read())
            {
                throw Invalid("Something follows the array.");
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that cannot be decoded, such as a lone surrogate escape.
            throw Invalid($"The body is not valid JSON: {exception.Message}");
        }

        return entries;
    }

    private static (string Table, Entry Entry) ParseEntry(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body, ApiLimits limits, string? table, int index)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid($"Entry {index} is not an object.");
        }

        string? entryTable = null, key = null;
        ReadOnlyMemory<byte>? value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("key"u8))
            {
                key = ReadString(ref reader, index, "key");
            }
            else if (reader.ValueTextEquals("value"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                var length = (int)reader.BytesConsumed - start;
                if (length > limits.MaxValueBytes)
                {
                    throw new ProblemException(ProblemCodes.PayloadTooLarge, $"Entry {index}: the value has {length} bytes; the limit is {limits.MaxValueBytes}.");
                }

                value = body.Slice(start, length);
            }
            else if (table is null && reader.ValueTextEquals("table"u8))
            {
                entryTable = ReadString(ref reader, index, "table");
            }
            else
            {
                throw Invalid($"Entry {index} has an unknown field '{reader.GetString()}'.");
            }
        }

        if (key is null || value is null || (table is null && entryTable is null))
        {
            throw Invalid($"Entry {index} needs {(table is null ? "\"table\", " : "")}\"key\" and \"value\".");
        }

        try
        {
            Names.CheckKey(key);
        }
        catch (ProblemException problem)
        {
            throw Invalid($"Entry {index}: {problem.Message}");
        }

        return (table ?? entryTable!, new Entry(key, value.Value));
    }

    private static string ReadString(ref Utf8JsonReader reader, int index, string field)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.String
            ? reader.GetString()!
            : throw Invalid($"Entry {index}: \"{field}\" must be a string.");
    }

    private static ProblemException Invalid(string detail) => new(ProblemCodes.InvalidRequest, detail);
}
