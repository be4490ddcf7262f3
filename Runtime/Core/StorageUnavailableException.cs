namespace Optimus.Runtime;

/// <summary>A store the runtime depends on is busy or out of reach right now; nothing was changed. Safe to retry.</summary>
public sealed class StorageUnavailableException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public StorageUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the store's own error.</summary>
    public StorageUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StorageUnavailableException()
    {
    }
}
