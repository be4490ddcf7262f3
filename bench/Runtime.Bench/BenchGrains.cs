namespace Optimus.Runtime.Bench;

/// <summary>A payload that crosses the copy boundary: mutable, so a local call copies it through the codec.</summary>
public sealed class MutablePayload
{
    public byte[] Data { get; set; } = [];
}

public interface IBenchGrain : IGrainWithStringKey
{
    Task<int> Ping(int value);

    Task<int> Send(MutablePayload payload);

    Task<int> SendImmutable(ReadOnlyMemory<byte> payload);
}

public sealed class BenchGrain : Grain, IBenchGrain
{
    private int _calls;

    public Task<int> Ping(int value) => Task.FromResult(++_calls + value);

    public Task<int> Send(MutablePayload payload) => Task.FromResult(payload.Data.Length + ++_calls);

    public Task<int> SendImmutable(ReadOnlyMemory<byte> payload) => Task.FromResult(payload.Length + ++_calls);
}
