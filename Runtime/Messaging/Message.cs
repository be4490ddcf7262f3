using System.Collections.Immutable;
using Optimus.Runtime.Catalog;
using Optimus.Runtime.Invocation;

namespace Optimus.Runtime.Messaging;

/// <summary>
/// The one envelope for every request and response, in-process or (in part 2) over the network. The fields above the
/// line travel on the wire (see <see cref="MessageCodec"/>); those below it are local bookkeeping.
/// </summary>
internal sealed class Message
{
    public MessageDirection Direction { get; set; }

    /// <summary>The correlation id, unique per sender: a response is matched by (sender, id).</summary>
    public long Id { get; set; }

    public SiloAddress? SendingSilo { get; set; }

    public GrainId SendingGrain { get; set; }

    public SiloAddress? TargetSilo { get; set; }

    /// <summary>For a request from a client: the client (its gateway is <see cref="SendingSilo"/>). For its response: the client to hand it to.</summary>
    public Guid Client { get; set; }

    /// <summary>How often this request was passed on to the silo that owns its grain (at most twice).</summary>
    public byte ForwardCount { get; set; }

    public GrainId TargetGrain { get; set; }

    /// <summary>The full name of the grain interface (see <see cref="InterfaceDescriptor.Name"/>).</summary>
    public string InterfaceName { get; set; } = "";

    public uint MethodId { get; set; }

    public MessageFlags Flags { get; set; }

    /// <summary>Values the caller set with <see cref="RequestContext.Set"/>, carried to the callee.</summary>
    public ImmutableDictionary<string, string>? RequestContext { get; set; }

    /// <summary>The call chain this request belongs to, if a caller up the chain allowed call-chain reentrancy.</summary>
    public Guid CallChainId { get; set; }

    public CallPathEntry[]? CallPath { get; set; }

    /// <summary>Request: the arguments (<c>object?[]</c>). Response: a <see cref="Messaging.Response"/>.</summary>
    public object? Body { get; set; }

    // ---- local only ----

    /// <summary>When the message expires, as a <see cref="TimeProvider"/> timestamp; on the wire it travels as time-to-live.</summary>
    public long ExpiresAt { get; set; }

    /// <summary>The method called, resolved once on send (locally) or on receipt (from the wire).</summary>
    public MethodDescriptor? Method { get; set; }

    /// <summary>For work addressed to one activation rather than to a grain id (timer ticks).</summary>
    public ActivationData? TargetActivation { get; set; }

    /// <summary>For local work items such as timer ticks: run this instead of a grain method.</summary>
    public Func<Task>? LocalWork { get; set; }

    public bool IsReadOnly => (Flags & MessageFlags.ReadOnly) != 0;

    public bool IsAlwaysInterleave => (Flags & MessageFlags.AlwaysInterleave) != 0;

    public bool IsExpired(long now) => ExpiresAt != 0 && now >= ExpiresAt;

    public string MethodName => Method?.Name ?? (LocalWork is null ? $"#{MethodId}" : "(timer)");

    public Message CreateResponse(Response body) => new()
    {
        Direction = MessageDirection.Response,
        Id = Id,
        SendingSilo = TargetSilo,
        TargetSilo = SendingSilo,
        SendingGrain = TargetGrain,
        TargetGrain = SendingGrain,
        Client = Client,
        InterfaceName = InterfaceName,
        MethodId = MethodId,
        ExpiresAt = ExpiresAt,
        Method = Method,
        Body = body,
    };

    public override string ToString() => $"{Direction} #{Id} {TargetGrain}.{MethodName}";
}
