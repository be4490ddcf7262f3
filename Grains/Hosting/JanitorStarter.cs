using Microsoft.Extensions.Hosting;
using Optimus.Runtime;

namespace Optimus.Grains.Hosting;

/// <summary>Makes sure the janitor's reminder exists once the silo is up (registering it again is harmless).</summary>
internal sealed class JanitorStarter(IGrainFactory grains) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => grains.GetGrain<IJanitorGrain>(IJanitorGrain.Key).Start();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
