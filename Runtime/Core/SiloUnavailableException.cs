namespace Optimus.Runtime;

/// <summary>The silo that should serve a call is shutting down, stopped or dead. Safe to retry elsewhere or later.</summary>
public sealed class SiloUnavailableException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public SiloUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public SiloUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SiloUnavailableException()
    {
    }
}
