using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Optimus.Runtime.Messaging;

/// <summary>Writes the primitives of the wire format (little-endian, varints, length-prefixed UTF-8) to a buffer writer.</summary>
internal readonly struct WireWriter(IBufferWriter<byte> output)
{
    public void WriteByte(byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    public void WriteVarUInt64(ulong value)
    {
        var span = output.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        output.Advance(i);
    }

    public void WriteVarInt64(long value) => WriteVarUInt64((ulong)((value << 1) ^ (value >> 63)));

    public void WriteGuid(Guid value)
    {
        value.TryWriteBytes(output.GetSpan(16));
        output.Advance(16);
    }

    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteVarUInt64(0);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        WriteVarUInt64((ulong)length + 1);
        Encoding.UTF8.GetBytes(value, output.GetSpan(length));
        output.Advance(length);
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteVarUInt64((ulong)value.Length);
        value.CopyTo(output.GetSpan(value.Length));
        output.Advance(value.Length);
    }

    public void WriteGrainId(GrainId id)
    {
        WriteString(id.IsDefault ? null : id.Type);
        if (!id.IsDefault)
        {
            WriteString(id.Key);
        }
    }

    public void WriteSilo(SiloAddress? silo)
    {
        WriteString(silo?.Host);
        if (silo is not null)
        {
            WriteVarUInt64((ulong)silo.Port);
            WriteVarInt64(silo.Generation);
        }
    }
}
