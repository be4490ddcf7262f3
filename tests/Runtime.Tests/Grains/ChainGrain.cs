namespace Optimus.Runtime.Tests.Grains;

/// <summary>A → B → A: <see cref="CallOther"/> on A calls B.<see cref="CallBack"/>, which calls A.<see cref="Ping"/>.</summary>
public interface IChainGrain : IGrainWithStringKey
{
    [ResponseTimeout("00:00:20")]
    Task<string> CallOther(IChainGrain other, bool allowReentrancy);

    [ResponseTimeout("00:00:15")]
    Task<string> CallBack(IChainGrain origin);

    [ResponseTimeout("00:00:01")]
    Task<string> Ping();

    /// <summary>Like <see cref="Ping"/>, with the default timeout: a caller that may have to wait its turn a while.</summary>
    Task<string> PingPatiently();

    /// <summary>Like <see cref="CallOther"/> with reentrancy allowed, but B waits for <paramref name="gate"/> first.</summary>
    Task<string> CallOtherGated(IChainGrain other, string gate);

    Task<string> CallBackGated(IChainGrain origin, string gate);

    Task<string> CallSelf(bool allowReentrancy);
}

public sealed class ChainGrain : Grain, IChainGrain
{
    public async Task<string> CallOther(IChainGrain other, bool allowReentrancy)
    {
        if (!allowReentrancy)
        {
            return await other.CallBack(AsReference<IChainGrain>());
        }

        using (RequestContext.AllowCallChainReentrancy())
        {
            return await other.CallBack(AsReference<IChainGrain>());
        }
    }

    public async Task<string> CallBack(IChainGrain origin) => $"{GetPrimaryKeyString()}→{await origin.Ping()}";

    public Task<string> Ping() => Task.FromResult($"pong from {GetPrimaryKeyString()}");

    public Task<string> PingPatiently() => Ping();

    public async Task<string> CallOtherGated(IChainGrain other, string gate)
    {
        using (RequestContext.AllowCallChainReentrancy())
        {
            return await other.CallBackGated(AsReference<IChainGrain>(), gate);
        }
    }

    public async Task<string> CallBackGated(IChainGrain origin, string gate)
    {
        var probe = Support.Probe.For(GetPrimaryKeyString());
        probe.Enter();
        await probe.Gate(gate);
        probe.Exit();
        return await origin.Ping();
    }

    public async Task<string> CallSelf(bool allowReentrancy)
    {
        var self = AsReference<IChainGrain>();
        if (!allowReentrancy)
        {
            return await self.Ping();
        }

        using (RequestContext.AllowCallChainReentrancy())
        {
            return await self.Ping();
        }
    }
}
