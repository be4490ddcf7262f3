namespace Optimus.Runtime.Invocation;

/// <summary>Which grain type implements a grain interface: a silo knows from its grain classes, a client from its gateway.</summary>
internal interface IGrainTypeResolver
{
    string GetGrainType(Type grainInterface);
}
