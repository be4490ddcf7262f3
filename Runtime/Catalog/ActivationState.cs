namespace Optimus.Runtime.Catalog;

/// <summary>The life of an activation. Requests wait while it is created and activated, run while it is valid, and
/// are handed to the next activation once it has deactivated.</summary>
internal enum ActivationState
{
    Creating,
    Activating,
    Valid,
    Deactivating,
    Invalid,
}
