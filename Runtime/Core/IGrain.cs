namespace Optimus.Runtime;

/// <summary>The base of all grain interfaces.</summary>
#pragma warning disable CA1040 // marker interface, as in Orleans
public interface IGrain : IAddressable;
