using Microsoft.Extensions.Hosting;
using Optimus.Runtime.Hosting;

namespace Optimus.Runtime;

/// <summary>Adds a silo to a .NET generic host.</summary>
public static class HostBuilderExtensions
{
    /// <summary>
    /// Runs a silo in this host. The silo starts with the host and stops gracefully with it; its
    /// <see cref="IGrainFactory"/> and <see cref="ILocalSilo"/> are in the host's services.
    /// </summary>
    public static TBuilder UseOptimusSilo<TBuilder>(this TBuilder builder, Action<ISiloBuilder> configure)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        SiloServices.Add(builder.Services);
        configure(new SiloBuilder(builder.Services, builder.Configuration));
        return builder;
    }
}
