using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Optimus.Client;

/// <summary>
/// Checks that bytes are exactly one JSON value, as the service stores and checksums them. A loader calls it once per
/// entry, so it is compiled optimized at its first call: a process that loads and exits would otherwise run most of
/// its entries through the runtime's first, slow tiers (BENCHMARKS.md).
/// </summary>
public static class JsonText
{
    /// <summary><paramref name="utf8"/> without the JSON whitespace around it: the bytes the checksum covers.</summary>
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> utf8) => utf8.Trim(" \t\r\n"u8);

    /// <summary><paramref name="utf8"/> without the JSON whitespace around it, as memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ReadOnlyMemory<byte> Trim(ReadOnlyMemory<byte> utf8)
    {
        var span = utf8.Span;
        var start = span.Length - span.TrimStart(" \t\r\n"u8).Length;
        return utf8[start..(start + Trim(span).Length)];
    }

    /// <summary>True when <paramref name="utf8"/> (trimmed) is one complete JSON value and nothing else.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsValue(ReadOnlySpan<byte> utf8)
    {
        var text = Trim(utf8);
        if (text.IsEmpty || !CanStartValue(text[0]))
        {
            return false; // plain text, as a TSV's values often are: refused without the reader's exception
        }

        try
        {
            var reader = new Utf8JsonReader(text, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            return reader.Read() && reader.TrySkip() && reader.BytesConsumed == text.Length && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool CanStartValue(byte first) =>
        first is (byte)'{' or (byte)'[' or (byte)'"' or (byte)'-' or (>= (byte)'0' and <= (byte)'9') or (byte)'t' or (byte)'f' or (byte)'n';
}
