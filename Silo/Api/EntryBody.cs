using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Optimus.Grains;

namespace Optimus.Silo.Api;

/// <summary>
/// A load request's body, read whole and parsed: each entry's value is its JSON text exactly as sent, copied into an
/// array of its own. Every limit and rule is checked before anything is written, so a bad request changes nothing.
/// The body is parsed where the request's pipe holds it (in a pooled buffer when it spans several of the pipe's
/// segments) and never becomes an array itself: a batch of a few thousand entries is hundreds of kilobytes, an array on
/// the large-object heap, which only a full collection frees — a fresh silo loading a million entries three times ran
/// 66-91 full collections with bodies as arrays, 29-37 with values copied, and spent 4-6% more CPU. The values'
/// small arrays die young, once their shards have staged them; they are never the body's slices, which a shard might
/// still hold after this request has given up waiting for it.
/// </summary>
internal sealed class EntryBody
{
    private EntryBody(List<(string Table, Entry Entry)> entries) => Entries = entries;

    public IReadOnlyList<(string Table, Entry Entry)> Entries { get; }

    /// <summary>Reads <c>[{"key","value"}]</c> (with <paramref name="table"/>) or <c>[{"table","key","value"}]</c> (without).</summary>
    public static Task<EntryBody> ReadAsync(HttpRequest request, ApiLimits limits, string? table) =>
        ReadAllAsync(request, limits.MaxRequestBytes, body => new EntryBody(Parse(body, limits, table)));

    /// <summary>Reads a body that is one JSON value (the single-entry write), checked to be valid JSON.</summary>
    public static Task<EntryBody> ReadValueAsync(HttpRequest request, ApiLimits limits, string table, string key) =>
        ReadAllAsync(request, limits.MaxValueBytes, body => ParseValue(body, table, key));

    private static EntryBody ParseValue(ReadOnlySpan<byte> body, string table, string key)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
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

            return new EntryBody([(table, new Entry(key, body[start..end].ToArray()))]);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            throw Invalid($"The body is not valid JSON: {exception.Message}");
        }
    }

    // Reads the whole body (up to the limit) and parses it before the pipe's buffers are given back.
    private static async Task<EntryBody> ReadAllAsync(HttpRequest request, long limit, BodyParser parse)
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
                try
                {
                    return Parse(result.Buffer, parse);
                }
                finally
                {
                    reader.AdvanceTo(result.Buffer.End);
                }
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static EntryBody Parse(ReadOnlySequence<byte> body, BodyParser parse)
    {
        if (body.IsSingleSegment)
        {
            return parse(body.FirstSpan);
        }

        var contiguous = ArrayPool<byte>.Shared.Rent((int)body.Length);
        try
        {
            body.CopyTo(contiguous);
            return parse(contiguous.AsSpan(0, (int)body.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(contiguous);
        }
    }

    private static ProblemException TooLarge(long limit) =>
        new(ProblemCodes.PayloadTooLarge, $"The body is larger than the limit of {limit} bytes; split it into several requests.");

    private static List<(string Table, Entry Entry)> Parse(ReadOnlySpan<byte> body, ApiLimits limits, string? table)
    {
        var entries = new List<(string, Entry)>();
        var reader = new Utf8JsonReader(body);
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

    private static (string Table, Entry Entry) ParseEntry(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, ApiLimits limits, string? table, int index)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid($"Entry {index} is not an object.");
        }

        string? entryTable = null, key = null;
        byte[]? value = null;
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

                value = body.Slice(start, length).ToArray();
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

        return (table ?? entryTable!, new Entry(key, value));
    }

    private static string ReadString(ref Utf8JsonReader reader, int index, string field)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.String
            ? reader.GetString()!
            : throw Invalid($"Entry {index}: \"{field}\" must be a string.");
    }

    private static ProblemException Invalid(string detail) => new(ProblemCodes.InvalidRequest, detail);

    private delegate EntryBody BodyParser(ReadOnlySpan<byte> body);
}
