namespace Optimus.Runtime.Messaging;

/// <summary>A message body as it came off the wire, kept as bytes until the receiver knows the method's types.</summary>
internal sealed record EncodedBody(byte[] Bytes);
