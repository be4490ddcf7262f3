namespace Optimus.Grains.Storage;

/// <summary>Unsigned LEB128 integers, as the staging log and the segment format write lengths.</summary>
internal static class Varint
{
    public const int MaxBytes = 5;

    public static int Write(Span<byte> destination, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    public static int SizeOf(uint value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    /// <summary>Reads a value; returns the bytes it took, or 0 when <paramref name="source"/> ends first or the value is too long.</summary>
    public static int TryRead(ReadOnlySpan<byte> source, out uint value)
    {
        value = 0;
        for (var i = 0; i < MaxBytes && i < source.Length; i++)
        {
            var b = source[i];
            value |= (uint)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                return i + 1;
            }
        }

        return 0;
    }
}
