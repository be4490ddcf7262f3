using Optimus.Runtime.Testing;
using Xunit;

namespace Optimus.Tests;

/// <summary>
/// One PostgreSQL server for every test of an assembly that needs one (see <see cref="PostgresServer"/>). This file is
/// compiled into each test project that uses it: xUnit looks for collection definitions in the tests' own assembly.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
