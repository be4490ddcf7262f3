namespace Optimus.Runtime.Tests.Grains;

public interface IFilteredGrain : IGrainWithStringKey
{
    Task<string> Echo(string text);
}

/// <summary>A grain that filters its own calls: it upper-cases every string result.</summary>
public sealed class FilteredGrain : Grain, IFilteredGrain, IIncomingGrainCallFilter
{
    public Task<string> Echo(string text) => Task.FromResult(text);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        if (context.Result is string text)
        {
            context.Result = text.ToUpperInvariant();
        }
    }
}
