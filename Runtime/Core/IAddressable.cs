namespace Optimus.Runtime;

/// <summary>Marks anything that can be addressed by the runtime: every grain interface derives from it.</summary>
#pragma warning disable CA1040 // a marker interface is the point: it is how the runtime recognises grain references
public interface IAddressable;
