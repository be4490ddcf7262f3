using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Optimus.Runtime.Hosting;

/// <summary>This process's silo: its address, generation and status.</summary>
internal sealed class LocalSilo(IOptions<SiloOptions> options, TimeProvider time, IServiceProvider services) : ILocalSilo
{
    private volatile SiloStatus _status = SiloStatus.Created;

    public SiloAddress Address { get; } = SiloAddress.Create(options.Value.AdvertisedHost, options.Value.SiloPort, time);

    public string ClusterId { get; } = options.Value.ClusterId;

    public SiloStatus Status
    {
        get => _status;
        set => _status = value;
    }

    public int ActivationCount => services.GetRequiredService<Catalog.Catalog>().Count;

    public Task DeactivateAsync(GrainId grainId) =>
        services.GetRequiredService<Catalog.Catalog>().DeactivateAsync(
            grainId, new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "deactivated by an operator"));

    public override string ToString() => $"{Address} ({Status})";
}
