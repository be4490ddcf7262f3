using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Optimus.Runtime.Hosting;

namespace Optimus.Runtime.Messaging;

/// <summary>
/// The calls this process has sent and not yet had answered. It belongs to one sender (this silo or this client), so
/// correlation ids are unique within it and a response, routed here by its target address, is matched by
/// (sender, id). A sweep fails calls past their deadline with a timeout that says who waited on whom. A gateway also
/// keeps the requests of its clients that it passed on to other silos, so that their callers hear at once, rather than
/// at their timeout, when the silo that had them is declared dead.
/// </summary>
internal sealed partial class CallbackTable : IDisposable
{
    private readonly ConcurrentDictionary<long, PendingCall> _pending = new();
    private readonly ConcurrentDictionary<(Guid Client, long Id), Message> _relayed = new();
    private readonly TimeProvider _time;
    private readonly ILogger<CallbackTable> _logger;
    private readonly IActivationDiagnostics? _diagnostics;
    private readonly ITimer _sweep;

    public CallbackTable(
        TimeProvider time,
        IOptions<MessagingOptions> options,
        ILogger<CallbackTable> logger,
        IActivationDiagnostics? diagnostics = null)
    {
        _time = time;
        _logger = logger;
        _diagnostics = diagnostics;
        var period = options.Value.TimeoutSweepPeriod;
        _sweep = time.CreateTimerWithoutContext(static state => ((CallbackTable)state!).Sweep(), this, period, period);
    }

    /// <summary>Fails a client's request that was passed on to a silo now dead: set by the message center.</summary>
    public Action<Message, Exception>? RelayFailed { get; set; }

    public void Register(long id, PendingCall call) => _pending[id] = call;

    /// <summary>A client's request this gateway passed on to another silo, until its response comes back through.</summary>
    public void TrackRelay(Message request) => _relayed[(request.Client, request.Id)] = request;

    /// <summary>The response to a relayed request is on its way to the client.</summary>
    public void EndRelay(Message response)
    {
        if (!_relayed.IsEmpty)
        {
            _relayed.TryRemove((response.Client, response.Id), out _);
        }
    }

    public void Remove(long id) => _pending.TryRemove(id, out _);

    /// <summary>The request a pending call sent, to decode its response by.</summary>
    public Message? FindRequest(long id) => _pending.TryGetValue(id, out var call) ? call.Request : null;

    /// <summary>
    /// Fails at once every call sent to <paramref name="silo"/> (declared dead, or a client's gateway that is gone): no
    /// waiting for the timeout. <paramref name="what"/> says what happened to it.
    /// </summary>
    public void FailCallsTo(SiloAddress silo, string what)
    {
        foreach (var (id, call) in _pending)
        {
            if (call.Request.TargetSilo == silo && _pending.TryRemove(KeyValuePair.Create(id, call)))
            {
                call.Fail(new SiloUnavailableException($"{what} before {call.Request.TargetGrain}.{call.Request.MethodName} answered. Retry."));
            }
        }

        foreach (var (key, request) in _relayed)
        {
            if (request.TargetSilo == silo && _relayed.TryRemove(KeyValuePair.Create(key, request)))
            {
                RelayFailed?.Invoke(request, new SiloUnavailableException($"{what} before {request.TargetGrain}.{request.MethodName} answered. Retry."));
            }
        }
    }

    public void OnResponse(Message response)
    {
        // The id is ours (this table is one sender's); the responder must be the grain the call went to.
        if (_pending.TryGetValue(response.Id, out var call)
            && call.Request.TargetGrain == response.SendingGrain
            && _pending.TryRemove(KeyValuePair.Create(response.Id, call)))
        {
            call.Complete((Response)response.Body!);
        }
        else
        {
            LogLateResponse(_logger, response.Id, response.SendingGrain);
        }
    }

    /// <summary>Fails every pending call at once, as when the process stops.</summary>
    public void FailAll(Func<PendingCall, Exception> reason)
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var call))
            {
                call.Fail(reason(call));
            }
        }
    }

    public void Dispose() => _sweep.Dispose();

    internal void Sweep()
    {
        var now = _time.GetTimestamp();
        foreach (var (id, call) in _pending)
        {
            if (call.Request.IsExpired(now) && _pending.TryRemove(id, out _))
            {
                var exception = new RequestTimeoutException(DescribeTimeout(call));
                LogTimeout(_logger, exception.Message);
                call.Fail(exception);
            }
        }

        foreach (var (key, request) in _relayed)
        {
            if (request.IsExpired(now))
            {
                _relayed.TryRemove(key, out _); // its client has timed out by itself
            }
        }
    }

    private string DescribeTimeout(PendingCall call)
    {
        var request = call.Request;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"Call to {request.TargetGrain}.{request.MethodName} timed out after {call.Timeout.TotalSeconds:0.###} s.");
        if (request.CallPath is { Length: > 0 } path)
        {
            text.Append(" Call path: ").AppendJoin(" → ", path).Append(CultureInfo.InvariantCulture, $" → {request.TargetGrain}.{request.MethodName}.");
            if (Array.Exists(path, entry => entry.Grain == request.TargetGrain))
            {
                text.Append(CultureInfo.InvariantCulture, $" {request.TargetGrain} is waiting on this very call path, so it cannot take this call: a reentrancy deadlock.")
                    .Append(" Mark the grain [Reentrant] or the method [AlwaysInterleave], or make the outer call inside RequestContext.AllowCallChainReentrancy().");
            }
        }

        if (_diagnostics?.Describe(request.TargetGrain) is { } status)
        {
            text.Append(" Target: ").Append(status).Append('.');
        }

        return text.ToString();
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, Message = "Dropped the response #{Id} from {Grain}: no call of this sender waits for it (it timed out, or the response is not for this sender).")]
    private static partial void LogLateResponse(ILogger logger, long id, GrainId grain);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "{Description}")]
    private static partial void LogTimeout(ILogger logger, string description);
}
