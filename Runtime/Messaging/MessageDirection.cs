namespace Optimus.Runtime.Messaging;

/// <summary>What a message is: a request that wants an answer, a one-way request, or the answer itself.</summary>
internal enum MessageDirection : byte
{
    Request = 1,
    OneWay = 2,
    Response = 3,
}
