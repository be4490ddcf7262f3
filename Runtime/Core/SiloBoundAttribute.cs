namespace Optimus.Runtime;

/// <summary>
/// On a grain class: one activation per silo, on the silo its key names — a silo address as
/// <see cref="SiloAddress.ToString"/> writes it, such as one from <see cref="ILocalSilo.Membership"/>. For per-silo
/// services: a cache every silo must hear about, a local resource to report on. A call to a silo that is gone fails with
/// <see cref="SiloUnavailableException"/>; the grain never moves.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class SiloBoundAttribute : Attribute;
