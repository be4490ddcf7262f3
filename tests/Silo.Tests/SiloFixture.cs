using Optimus.Tests;
using Xunit;

namespace Optimus.Silo.Tests;

/// <summary>One service process shared by the tests of a class; each test works in datasets of its own.</summary>
public sealed class SiloFixture : IAsyncLifetime
{
    public SiloProcess Silo { get; private set; } = null!;

    public OptimusApi Api => Silo.Api;

    public async Task InitializeAsync() => Silo = await SiloProcess.StartAsync();

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}
