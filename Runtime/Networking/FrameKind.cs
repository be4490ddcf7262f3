namespace Optimus.Runtime.Networking;

/// <summary>The kinds of frame the runtime's protocol knows.</summary>
internal enum FrameKind : byte
{
    /// <summary>The connecting side introduces itself (cluster, who it is, which silo generation it expects).</summary>
    Hello = 1,

    /// <summary>The accepting side agrees and says who it is.</summary>
    Welcome = 2,

    /// <summary>The accepting side refuses, saying why, and closes.</summary>
    Refuse = 3,

    /// <summary>Are you there? (an 8-byte id)</summary>
    Ping = 4,

    /// <summary>Here I am (the ping's id).</summary>
    Pong = 5,

    /// <summary>A <see cref="Messaging.Message"/> in the form of <see cref="Messaging.MessageCodec"/>.</summary>
    Message = 6,
}
