using Optimus.Tests;
using Xunit;

namespace Optimus.Client.Tests;

/// <summary>One embedded silo process shared by a test class; each test works in datasets of its own.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    public SiloProcess Silo { get; private set; } = null!;

    public string Server => $"http://127.0.0.1:{Silo.Port}";

    public OptimusClient NewClient() => new(new Uri(Server));

    public async Task InitializeAsync() => Silo = await SiloProcess.StartAsync();

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}
