namespace Optimus.Runtime;

/// <summary>This process's silo, as health checks and operators see it.</summary>
public interface ILocalSilo
{
    /// <summary>The silo's address, with this process's generation.</summary>
    SiloAddress Address { get; }

    /// <summary>The cluster the silo belongs to.</summary>
    string ClusterId { get; }

    /// <summary>The silo's status; <see cref="SiloStatus.Active"/> when it serves calls.</summary>
    SiloStatus Status { get; }

    /// <summary>The cluster as this silo sees it: every silo's status at the membership version it last read. A silo
    /// that runs alone sees itself, active.</summary>
    MembershipSnapshot Membership { get; }

    /// <summary>How many grain activations the silo holds.</summary>
    int ActivationCount { get; }

    /// <summary>
    /// The silo a call to <paramref name="grain"/> (a grain reference) goes to, by this silo's current view of the
    /// cluster: what a service needs to send its own clients straight to the silo that holds a grain.
    /// </summary>
    SiloAddress Locate(IAddressable grain);

    /// <summary>Deactivates a grain's activations on this silo and waits until they are gone.</summary>
    Task DeactivateAsync(GrainId grainId);
}
