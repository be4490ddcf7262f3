using Optimus.Runtime.Messaging;

namespace Optimus.Runtime.Catalog;

/// <summary>What the catalog maps a grain id to: one activation, or a pool of stateless workers.</summary>
internal interface IActivationTarget
{
    /// <summary>Takes the request, or returns false when the target has gone and the catalog must find another.</summary>
    bool TryEnqueue(Message message);
}
