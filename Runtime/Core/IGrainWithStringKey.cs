namespace Optimus.Runtime;

/// <summary>A grain addressed by a string key; the only key kind this runtime offers.</summary>
#pragma warning disable CA1040 // marker interface, as in Orleans
public interface IGrainWithStringKey : IGrain;
