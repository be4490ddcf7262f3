using System.Buffers;
using Optimus.Runtime.Messaging;

namespace Optimus.Runtime.Networking;

/// <summary>
/// How a connection begins: the cluster it belongs to, who is connecting (a silo, or a client with its id), and the
/// exact silo (host, port and generation) it means to reach — so that a stale view never talks to a successor process.
/// </summary>
internal sealed record Hello(string ClusterId, SiloAddress? Silo, Guid Client, SiloAddress? Target)
{
    public void Write(WireWriter writer)
    {
        writer.WriteString(ClusterId);
        writer.WriteSilo(Silo);
        writer.WriteGuid(Client);
        writer.WriteSilo(Target);
    }

    public static Hello Read(ReadOnlySequence<byte> payload)
    {
        var reader = new WireReader(payload.ToArray());
        return new Hello(reader.ReadRequiredString(), reader.ReadSilo(), reader.ReadGuid(), reader.ReadSilo());
    }

    public override string ToString() => Silo?.ToString() ?? $"client {Client:N}";
}
