using System.Buffers;
using System.Collections.Immutable;
using Optimus.Runtime.Messaging;

namespace Optimus.Runtime.Networking;

/// <summary>
/// The accepting side's answer to a hello: which silo (and generation) this is and, for a client, which grain type
/// implements each grain interface (by interface name), so that the client can make grain references.
/// </summary>
internal sealed record Welcome(SiloAddress Silo, ImmutableArray<KeyValuePair<string, string>> GrainTypes)
{
    public void Write(WireWriter writer)
    {
        writer.WriteSilo(Silo);
        writer.WriteVarUInt64((ulong)GrainTypes.Length);
        foreach (var (grainInterface, grainType) in GrainTypes)
        {
            writer.WriteString(grainInterface);
            writer.WriteString(grainType);
        }
    }

    public static Welcome Read(ReadOnlySequence<byte> payload)
    {
        var reader = new WireReader(payload.ToArray());
        var silo = reader.ReadSilo() ?? throw new InvalidDataException("A welcome names no silo.");
        var count = (int)reader.ReadVarUInt64();
        var grainTypes = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>(count);
        for (var i = 0; i < count; i++)
        {
            grainTypes.Add(KeyValuePair.Create(reader.ReadRequiredString(), reader.ReadRequiredString()));
        }

        return new Welcome(silo, grainTypes.MoveToImmutable());
    }
}
