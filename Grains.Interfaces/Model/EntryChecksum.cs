using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>
/// The one definition of the checksum of a table, so that a loader can compute what the server will find.
/// An entry's checksum is xxHash64 (seed 0) of its key's UTF-8 bytes, one byte 0xFF (which UTF-8 never contains),
/// and its value's JSON text exactly as sent. A table's checksum is the sum, modulo 2^64, of the checksums of its
/// entries — one per distinct key, with the value that won (the last written) — so the same entries give the same
/// checksum in any order and any batching. It is written as 16 lower-case hex digits.
/// </summary>
public static class EntryChecksum
{
    private const int StackLimit = 1024;

    /// <summary>The checksum of one entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per entry loaded, sealed or verified
    public static ulong Of(string key, ReadOnlySpan<byte> value)
    {
        var length = Encoding.UTF8.GetByteCount(key);
        byte[]? rented = null;
        var bytes = length <= StackLimit ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)); // sized: the runtime zeroes it
        try
        {
            return Of(bytes[..Encoding.UTF8.GetBytes(key, bytes)], value);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The checksum of one entry whose key is already UTF-8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per entry loaded, sealed or verified
    public static ulong Of(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var length = key.Length + 1 + value.Length;
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)); // sized: the runtime zeroes it
        try
        {
            key.CopyTo(buffer);
            buffer[key.Length] = 0xFF;
            value.CopyTo(buffer[(key.Length + 1)..]);
            return StableHash.Hash64(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>16 lower-case hex digits.</summary>
    public static string Format(ulong checksum) => checksum.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Parses 16 hex digits (either case); false for anything else.</summary>
    public static bool TryParse(string? text, out ulong checksum)
    {
        checksum = 0;
        return text is { Length: 16 } && ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out checksum);
    }
}
