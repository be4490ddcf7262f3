using Optimus.Runtime.Tests.Support;

namespace Optimus.Runtime.Tests.Grains;

public sealed class CustomGrainException(string message) : Exception(message);

/// <summary>An exception the caller cannot recreate: no constructor that takes a message.</summary>
public sealed class OpaqueException : Exception
{
    public OpaqueException(int code) : base($"opaque failure {code}") => Code = code;

    public int Code { get; }
}

public sealed class Payload
{
    public List<int> Values { get; set; } = [];

    public string Name { get; set; } = "";
}

[Immutable]
public sealed record ImmutablePayload(string Name);

/// <summary>Timeouts, exceptions, one-way calls, copying, request context.</summary>
public interface IBehaviourGrain : IGrainWithStringKey
{
    [ResponseTimeout("00:00:01")]
    Task Sleep(TimeSpan duration);

    Task Fail(string kind, string message);

    [OneWay]
    Task FireAndForget(string gate);

    [OneWay]
    Task FireAndFail();

    Task<Payload> Mutate(Payload payload);

    Task<Payload> GetKept();

    Task<ImmutablePayload> Keep(ImmutablePayload payload);

    Task<string?> ReadContext(string key, IBehaviourGrain? forwardTo);

    Task<int> Count();

    ValueTask<int> CountValueTask();

    ValueTask NoResultValueTask();

    /// <summary>Calls <paramref name="other"/>, which throws an inconsistent-state error, and returns this activation's id.</summary>
    Task<long> SurviveCalleesInconsistency(IBehaviourGrain other);
}

public sealed class BehaviourGrain : Grain, IBehaviourGrain
{
    private readonly Payload _kept = new();
    private int _calls;

    private Probe Probe => Probe.For(GetPrimaryKeyString());

    public Task Sleep(TimeSpan duration) => Task.Delay(duration);

    public Task Fail(string kind, string message) => kind switch
    {
        "invalid" => throw new InvalidOperationException(message),
        "custom" => throw new CustomGrainException(message),
        "opaque" => throw new OpaqueException(42),
        "argument-null" => throw new ArgumentNullException(nameof(kind), message),
        "inconsistent" => throw new InconsistentStateException(message),
        "coded" => throw new InvalidOperationException(message) { Data = { ["code"] = "dataset-exists", ["ignored"] = 42 } },
        _ => Task.CompletedTask,
    };

    public async Task FireAndForget(string gate)
    {
        await Probe.Gate(gate);
        Probe.Record("fired");
    }

    public Task FireAndFail()
    {
        Probe.Record("failing");
        throw new InvalidOperationException("nobody hears this");
    }

    public Task<Payload> Mutate(Payload payload)
    {
        Probe.Arguments.Add(payload);
        payload.Values.Add(99);
        _kept.Values = payload.Values;
        return Task.FromResult(_kept);
    }

    public Task<Payload> GetKept() => Task.FromResult(_kept);

    public Task<ImmutablePayload> Keep(ImmutablePayload payload)
    {
        Probe.Arguments.Add(payload);
        return Task.FromResult(payload);
    }

    public async Task<string?> ReadContext(string key, IBehaviourGrain? forwardTo) =>
        forwardTo is null ? RequestContext.Get(key) : await forwardTo.ReadContext(key, null);

    public Task<int> Count() => Task.FromResult(++_calls);

    public ValueTask<int> CountValueTask() => ValueTask.FromResult(++_calls);

    public ValueTask NoResultValueTask() => ValueTask.CompletedTask;

    public async Task<long> SurviveCalleesInconsistency(IBehaviourGrain other)
    {
        try
        {
            await other.Fail("inconsistent", "the callee's state is stale");
        }
        catch (InconsistentStateException)
        {
        }

        return Activation.Id;
    }
}
