namespace Optimus.Runtime;

/// <summary>
/// A state write was refused because the stored ETag is not the one the writer read: another activation (or another
/// silo) wrote first. The runtime drops the activation that got it, so the next call reloads the current state.
/// </summary>
public sealed class InconsistentStateException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public InconsistentStateException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public InconsistentStateException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InconsistentStateException()
    {
    }

    /// <summary>The exception for a write that expected <paramref name="expected"/> but found <paramref name="stored"/>.</summary>
    public static InconsistentStateException StaleEtag(string stateName, GrainId grainId, string? expected, string? stored) => new(
        $"State '{stateName}' of {grainId} was changed by someone else: the write expected ETag '{expected ?? "(none)"}' "
        + $"but the store has '{stored ?? "(none)"}'.");
}
