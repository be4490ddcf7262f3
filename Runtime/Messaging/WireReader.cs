using System.Buffers.Binary;
using System.Text;

namespace Optimus.Runtime.Messaging;

/// <summary>Reads what <see cref="WireWriter"/> wrote; a truncated or malformed frame is an <see cref="InvalidDataException"/>.</summary>
internal ref struct WireReader(ReadOnlySpan<byte> data)
{
    private ReadOnlySpan<byte> _data = data;

    public byte ReadByte() => Take(1)[0];

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong ReadVarUInt64()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new InvalidDataException("A varint in the frame is longer than 10 bytes.");
    }

    public long ReadVarInt64()
    {
        var raw = ReadVarUInt64();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public int ReadLength()
    {
        var length = ReadVarUInt64();
        if (length > (ulong)_data.Length)
        {
            throw new InvalidDataException($"A length of {length} runs past the end of the frame.");
        }

        return (int)length;
    }

    public Guid ReadGuid() => new(Take(16));

    public string? ReadString()
    {
        var prefix = ReadVarUInt64();
        if (prefix == 0)
        {
            return null;
        }

        if (prefix - 1 > (ulong)_data.Length)
        {
            throw new InvalidDataException("A string runs past the end of the frame.");
        }

        return Encoding.UTF8.GetString(Take((int)(prefix - 1)));
    }

    public string ReadRequiredString() => ReadString() ?? throw new InvalidDataException("A required string is missing.");

    public ReadOnlySpan<byte> ReadBytes() => Take(ReadLength());

    public GrainId ReadGrainId()
    {
        var type = ReadString();
        return type is null ? default : new GrainId(type, ReadRequiredString());
    }

    public SiloAddress? ReadSilo()
    {
        var host = ReadString();
        if (host is null)
        {
            return null;
        }

        var port = ReadVarUInt64();
        if (port > ushort.MaxValue)
        {
            throw new InvalidDataException($"Port {port} is out of range.");
        }

        return new SiloAddress(host, (int)port, ReadVarInt64());
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length)
        {
            throw new InvalidDataException("The frame ends early.");
        }

        var taken = _data[..count];
        _data = _data[count..];
        return taken;
    }
}
