using System.Buffers;

namespace Optimus.Runtime.Messaging;

/// <summary>
/// A message encoded for the wire in two parts, so that its largest part is copied once, straight to where it goes:
/// the head (the header and the body's first bytes) and the tail (the body's last argument or its result, as
/// serialized). Both parts live in the encoding thread's buffers until <see cref="Dispose"/>, which gives them back; in
/// between, that thread may neither encode another message nor await anything.
/// </summary>
internal readonly ref struct EncodedMessage
{
    public EncodedMessage(ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail)
    {
        Head = head;
        Tail = tail;
    }

    public ReadOnlySpan<byte> Head { get; }

    public ReadOnlySpan<byte> Tail { get; }

    /// <summary>The message's length on the wire.</summary>
    public int Length => Head.Length + Tail.Length;

    public void CopyTo(IBufferWriter<byte> output)
    {
        output.Write(Head);
        if (!Tail.IsEmpty) // a pipe would take a fresh block for nothing when its last one is full
        {
            output.Write(Tail);
        }
    }

#pragma warning disable CA1822 // `using` calls Dispose on the instance, though the buffers are the thread's
    public void Dispose() => MessageCodec.ReleaseBuffers();
#pragma warning restore CA1822
}
