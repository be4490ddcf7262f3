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
