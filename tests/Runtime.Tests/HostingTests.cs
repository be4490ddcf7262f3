using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Optimus.Runtime.Testing;
using Optimus.Runtime.Tests.Support;
using Xunit;

namespace Optimus.Runtime.Tests;

/// <summary>Hosting: options with defaults and validation, status, configuration binding.</summary>
public sealed class HostingTests
{
    [Fact]
    public async Task Defaults_AreTheDocumentedOnes()
    {
        await using var cluster = await Silos.StartAsync();
        var services = cluster.Services;

        Assert.Equal(TimeSpan.FromSeconds(30), services.GetRequiredService<IOptions<MessagingOptions>>().Value.ResponseTimeout);
        Assert.Equal(TimeSpan.FromMinutes(15), services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value.CollectionAge);
        Assert.Equal(TimeSpan.FromMinutes(1), services.GetRequiredService<IOptions<ReminderOptions>>().Value.MinimumReminderPeriod);
        Assert.Equal(11111, services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloPort);
        Assert.Equal(SiloStatus.Active, cluster.Silo.Status);
        Assert.Equal("optimus", cluster.Silo.ClusterId);
    }

    [Theory]
    [InlineData("timeout", "MessagingOptions.ResponseTimeout must be positive; it is -00:00:01")]
    [InlineData("port", "SiloOptions.SiloPort must be 1 to 65535; it is 70000")]
    [InlineData("age", "GrainCollectionOptions.CollectionAge must be positive or infinite; it is 00:00:00")]
    [InlineData("reminders", "ReminderOptions.MinimumReminderPeriod must be positive; it is 00:00:00")]
    public async Task InvalidOptions_StopTheSiloFromStarting_NamingTheSetting(string setting, string expected)
    {
        await using var cluster = new TestCluster(silo =>
        {
            silo.AddGrains(typeof(Silos).Assembly);
            _ = setting switch
            {
                "timeout" => silo.Configure<MessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(-1)),
                "port" => silo.Configure<SiloOptions>(o => o.SiloPort = 70000),
                "age" => silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.Zero),
                _ => silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.Zero),
            };
        });

        var failure = await Assert.ThrowsAnyAsync<Exception>(cluster.StartAsync);

        var messages = failure is AggregateException aggregate ? string.Join(" ", aggregate.InnerExceptions.Select(e => e.Message)) : failure.Message;
        Assert.Contains(expected, messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_BindFromConfiguration()
    {
        await using var cluster = await Silos.StartAsync(configureHost: host =>
        {
            host.Configuration["Optimus:Silo:ClusterId"] = "from-config";
            host.Configuration["Optimus:Messaging:ResponseTimeout"] = "00:00:07";
        });

        Assert.Equal("from-config", cluster.Silo.ClusterId);
        Assert.Equal(TimeSpan.FromSeconds(7), cluster.Services.GetRequiredService<IOptions<MessagingOptions>>().Value.ResponseTimeout);
    }

    [Fact]
    public async Task TwoClassesWithOneTypeName_AreRefusedAtStart()
    {
        await using var cluster = new TestCluster(silo => silo.AddGrain<OneGrain<int>>().AddGrain<OneGrain<string>>());

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(cluster.StartAsync);
        Assert.Contains("both have the type name 'onegrain`1'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostedSilo_StartsAndStopsWithTheGenericHost()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOptimusSilo(silo => silo.AddGrains(typeof(Silos).Assembly).AddMemoryGrainStorage().UseInMemoryReminders());
        using var host = builder.Build();

        await host.StartAsync();
        var silo = host.Services.GetRequiredService<ILocalSilo>();
        Assert.Equal(SiloStatus.Active, silo.Status);
        Assert.Equal(1, await host.Services.GetRequiredService<IGrainFactory>().GetGrain<Grains.ICounterGrain>("k").Increment("in memory"));
        await host.StopAsync();

        Assert.Equal(SiloStatus.Stopped, silo.Status);
    }
}

/// <summary>Closed generics share a class name, so two of them collide on one grain type name (and scanning skips the open one).</summary>
public sealed class OneGrain<T> : Grain
{
}
