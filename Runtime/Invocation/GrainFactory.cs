namespace Optimus.Runtime.Invocation;

/// <summary>Creates references bound to one runtime client. No I/O: the grain activates on its first call.</summary>
internal sealed class GrainFactory(IRuntimeClient runtime, IGrainTypeResolver grainTypes) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        var grainType = grainTypes.GetGrainType(typeof(TGrainInterface));
        return (TGrainInterface)GetReference(typeof(TGrainInterface), new GrainId(grainType, key));
    }

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId) where TGrainInterface : IAddressable =>
        (TGrainInterface)GetReference(typeof(TGrainInterface), grainId);

    /// <summary>A reference of any grain interface type, as deserialization needs.</summary>
    public object GetReference(Type interfaceType, GrainId grainId)
    {
        if (grainId.IsDefault)
        {
            throw new ArgumentException("A grain reference needs a grain id.", nameof(grainId));
        }

        var reference = runtime.Interfaces.GetInterface(interfaceType).Code.NewReference();
        reference.Bind(grainId, runtime);
        return reference;
    }
}
