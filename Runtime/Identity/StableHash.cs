using System.Buffers.Binary;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Optimus.Runtime;

/// <summary>
/// The one stable hash of the runtime and of everything built on it: xxHash64 (seed 0) over UTF-8 bytes.
/// Placement, shard routing and reminder ranges all use it, so it must give the same answer in every process,
/// on every machine, forever — unlike <see cref="string.GetHashCode()"/>, which is randomised per process.
/// </summary>
public static class StableHash
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63UL;
    private const ulong Prime5 = 0x27D4EB2F165667C5UL;
    private const int StackLimit = 512;

    /// <summary>The 64-bit hash of <paramref name="value"/>'s UTF-8 bytes.</summary>
    public static ulong Hash64(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Hash64(value.AsSpan());
    }

    /// <summary>The 64-bit hash of <paramref name="value"/>'s UTF-8 bytes, the same as of the string with these characters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hashed per entry by loaders, seals and segment checks: no slow first tier
    public static ulong Hash64(ReadOnlySpan<char> value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var buffer = max <= StackLimit ? stackalloc byte[max] : (rented = ArrayPool<byte>.Shared.Rent(max)); // sized: the runtime zeroes it
        try
        {
            var length = Encoding.UTF8.GetBytes(value, buffer);
            return Hash64(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The 32-bit hash used for rings and ranges: the low half of <see cref="Hash64(string)"/>.</summary>
    public static uint Hash32(string value) => unchecked((uint)Hash64(value));

    /// <summary>The 64-bit xxHash of <paramref name="data"/> with seed 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hashed per entry by loaders, seals and segment checks: no slow first tier
    public static ulong Hash64(ReadOnlySpan<byte> data)
    {
        var length = (ulong)data.Length;
        ulong hash;
        if (data.Length >= 32)
        {
            ulong v1 = unchecked(Prime1 + Prime2), v2 = Prime2, v3 = 0, v4 = unchecked(0 - Prime1);
            do
            {
                v1 = Round(v1, BinaryPrimitives.ReadUInt64LittleEndian(data));
                v2 = Round(v2, BinaryPrimitives.ReadUInt64LittleEndian(data[8..]));
                v3 = Round(v3, BinaryPrimitives.ReadUInt64LittleEndian(data[16..]));
                v4 = Round(v4, BinaryPrimitives.ReadUInt64LittleEndian(data[24..]));
                data = data[32..];
            }
            while (data.Length >= 32);

            hash = BitOperations.RotateLeft(v1, 1) + BitOperations.RotateLeft(v2, 7)
                + BitOperations.RotateLeft(v3, 12) + BitOperations.RotateLeft(v4, 18);
            hash = MergeRound(hash, v1);
            hash = MergeRound(hash, v2);
            hash = MergeRound(hash, v3);
            hash = MergeRound(hash, v4);
        }
        else
        {
            hash = Prime5;
        }

        hash = unchecked(hash + length);
        while (data.Length >= 8)
        {
            hash ^= Round(0, BinaryPrimitives.ReadUInt64LittleEndian(data));
            hash = unchecked((BitOperations.RotateLeft(hash, 27) * Prime1) + Prime4);
            data = data[8..];
        }

        if (data.Length >= 4)
        {
            hash ^= unchecked(BinaryPrimitives.ReadUInt32LittleEndian(data) * Prime1);
            hash = unchecked((BitOperations.RotateLeft(hash, 23) * Prime2) + Prime3);
            data = data[4..];
        }

        foreach (var b in data)
        {
            hash ^= unchecked(b * Prime5);
            hash = unchecked(BitOperations.RotateLeft(hash, 11) * Prime1);
        }

        hash ^= hash >> 33;
        hash = unchecked(hash * Prime2);
        hash ^= hash >> 29;
        hash = unchecked(hash * Prime3);
        hash ^= hash >> 32;
        return hash;
    }

    // Inlined on request: compiled ahead of time, it was a call per 8 bytes hashed (3% of a load's CPU, perf).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Round(ulong accumulator, ulong input)
    {
        accumulator = unchecked(accumulator + (input * Prime2));
        accumulator = BitOperations.RotateLeft(accumulator, 31);
        return unchecked(accumulator * Prime1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MergeRound(ulong hash, ulong value)
    {
        hash ^= Round(0, value);
        return unchecked((hash * Prime1) + Prime4);
    }
}
