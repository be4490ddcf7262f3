using System.Collections.Immutable;
using Optimus.Runtime.Messaging;

namespace Optimus.Runtime;

/// <summary>
/// The ambient, immutable context of the current call flow: user values, the call chain allowed to re-enter, the call
/// path that led here and the grain method now running. Replaced, never mutated, so flows never share changes.
/// </summary>
internal sealed record RequestContextData(
    ImmutableDictionary<string, string>? Values,
    Guid CallChainId,
    CallPathEntry[]? IncomingPath,
    CallPathEntry? Self)
{
    /// <summary>Calls carry at most this many hops of call path, the most recent ones.</summary>
    public const int MaxCallPath = 16;

    private static readonly AsyncLocal<RequestContextData?> s_current = new();

    public static RequestContextData Empty { get; } = new(null, Guid.Empty, null, null);

    public static RequestContextData? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    /// <summary>Enters the context of a request that a grain is about to run.</summary>
    public static void EnterRequest(Message request, GrainId grain, string method) =>
        s_current.Value = new RequestContextData(request.RequestContext, request.CallChainId, request.CallPath, new CallPathEntry(grain, method));

    /// <summary>The call path an outgoing call carries: the path that led here, plus this grain and method.</summary>
    public CallPathEntry[]? OutgoingPath()
    {
        if (Self is not { } self)
        {
            return IncomingPath;
        }

        var incoming = IncomingPath ?? [];
        var keep = Math.Min(incoming.Length, MaxCallPath - 1);
        var path = new CallPathEntry[keep + 1];
        Array.Copy(incoming, incoming.Length - keep, path, 0, keep);
        path[keep] = self;
        return path;
    }
}
