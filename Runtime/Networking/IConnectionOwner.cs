using Optimus.Runtime.Messaging;

namespace Optimus.Runtime.Networking;

/// <summary>What a <see cref="Connection"/> reports to, and asks: the silo's or the client's connection manager.</summary>
internal interface IConnectionOwner
{
    string ClusterId { get; }

    /// <summary>Decides whether to accept a peer's hello; when it does, the welcome says who this side is.</summary>
    bool Admit(Hello hello, out Welcome? welcome, out string refusal);

    void Opened(Connection connection);

    void Received(Connection connection, Message message);

    /// <summary>A message that could not be sent (the connection closed, or it could not be written).</summary>
    void Undeliverable(Message message, Exception reason);

    void Closed(Connection connection);
}
