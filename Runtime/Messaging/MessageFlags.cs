namespace Optimus.Runtime.Messaging;

/// <summary>How a request may be scheduled at its target. The low byte travels on the wire; the rest is local.</summary>
[Flags]
internal enum MessageFlags : ushort
{
    None = 0,

    /// <summary>The method is <see cref="ReadOnlyAttribute"/>: it may interleave with other read-only requests.</summary>
    ReadOnly = 1,

    /// <summary>The method is <see cref="AlwaysInterleaveAttribute"/>: it interleaves with anything.</summary>
    AlwaysInterleave = 2,

    /// <summary>The caller came from outside the silo (a client), not from a grain.</summary>
    FromClient = 4,

    /// <summary>Local only: a timer tick, which must not count as activity for idle collection.</summary>
    NoKeepAlive = 0x100,
}
