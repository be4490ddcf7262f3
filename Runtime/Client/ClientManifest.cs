using System.Collections.Frozen;
using Optimus.Runtime.Invocation;
using Optimus.Runtime.Networking;

namespace Optimus.Runtime.Client;

/// <summary>The grain type of each grain interface, as the gateways' welcomes tell it (the client hosts no grain classes).</summary>
internal sealed class ClientManifest : IGrainTypeResolver
{
    private volatile FrozenDictionary<string, string> _grainTypes = FrozenDictionary<string, string>.Empty;

    public void Update(Welcome welcome) => _grainTypes = welcome.GrainTypes.ToFrozenDictionary(StringComparer.Ordinal);

    public string GetGrainType(Type grainInterface) =>
        _grainTypes.GetValueOrDefault(grainInterface.FullName!) ?? throw new ArgumentException(
            $"The cluster has no grain type for {grainInterface}: no grain class implements it, or several do.", nameof(grainInterface));
}
