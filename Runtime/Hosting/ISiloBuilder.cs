using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Optimus.Runtime;

/// <summary>Configures a silo: its grains, storage, reminders, filters and options (see <see cref="SiloBuilderExtensions"/>).</summary>
public interface ISiloBuilder
{
    /// <summary>The host's services.</summary>
    IServiceCollection Services { get; }

    /// <summary>The host's configuration.</summary>
    IConfiguration Configuration { get; }
}
