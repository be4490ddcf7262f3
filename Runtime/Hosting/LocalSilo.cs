using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Optimus.Runtime.Hosting;

/// <summary>This process's silo: its address, generation and status.</summary>
internal sealed class LocalSilo(IOptions<SiloOptions> options, TimeProvider time, IServiceProvider services) : ILocalSilo
{
    private volatile SiloStatus _status = SiloStatus.Created;

    public SiloAddress Address { get; } = SiloAddress.Create(options.Value.AdvertisedHost, options.Value.SiloPort, time);

    public string ClusterId { get; } = options.Value.ClusterId;

    public string Name { get; } = options.Value.SiloName;

    /// <summary>Raised when the silo halts without a graceful stop (killed, or declared dead by its peers).</summary>
    public event Action<string>? Halted;

    public SiloStatus Status
    {
        get => _status;
        set => _status = value;
    }

    public MembershipSnapshot Membership => IsClustered
        ? services.GetRequiredService<Membership.MembershipService>().Current
        : MembershipSnapshot.Standalone(Address);

    public int ActivationCount => services.GetRequiredService<Catalog.Catalog>().Count;

    /// <summary>True when the silo is part of a cluster (a membership table is configured), false when it runs alone.</summary>
    public bool IsClustered { get; } = services.GetService<IMembershipTable>() is not null;

    public SiloAddress Locate(IAddressable grain) => grain is Invocation.GrainReference reference
        ? services.GetRequiredService<Placement.GrainPlacement>().Locate(reference.GrainId)
        : throw new ArgumentException($"{grain} is not a grain reference; get one from the grain factory.", nameof(grain));

    public Task DeactivateAsync(GrainId grainId) =>
        services.GetRequiredService<Catalog.Catalog>().DeactivateAsync(
            grainId, new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "deactivated by an operator"));

    /// <summary>Stops serving at once — no draining, no deactivation — and asks the host to stop.</summary>
    public void Halt(string reason)
    {
        if (_status == SiloStatus.Stopped)
        {
            return;
        }

        _status = SiloStatus.Stopped;
        Halted?.Invoke(reason);
        services.GetService<IHostApplicationLifetime>()?.StopApplication();
    }

    public override string ToString() => $"{Address} ({Status})";
}
