using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Optimus.Grains.Routing;
using Optimus.Runtime;

namespace Optimus.Silo.Hosting;

/// <summary>
/// Once the server listens, tells the silo the HTTP address its clients reach it at: the first address it listens on,
/// with a wildcard host replaced by the silo's advertised host (<c>--advertise</c>), so that other silos can send
/// clients here.
/// </summary>
internal static class ServiceAddressPublisher
{
    private static readonly HashSet<string> Wildcards = new(StringComparer.Ordinal) { "+", "*", "0.0.0.0", "[::]", "::" };

    public static void PublishWhenStarted(WebApplication app) => app.Lifetime.ApplicationStarted.Register(() =>
    {
        var listening = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (listening is null || !Uri.TryCreate(listening.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return;
        }

        var advertised = app.Services.GetRequiredService<IOptions<SiloOptions>>().Value.AdvertisedHost;
        var host = Wildcards.Contains(uri.Host) || Wildcards.Contains(uri.Authority.Split(':')[0]) ? advertised : uri.Host;
        app.Services.GetRequiredService<ServiceAddress>().Url = new UriBuilder(uri.Scheme, host, uri.Port).Uri.ToString().TrimEnd('/');
    });
}
