namespace Optimus.Runtime;

/// <summary>A grain call got no response within its timeout. The message names the grain, the method and the call path.</summary>
public sealed class RequestTimeoutException : TimeoutException
{
    /// <summary>Creates the exception with a message.</summary>
    public RequestTimeoutException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public RequestTimeoutException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a timed out call.</summary>
    public RequestTimeoutException()
    {
    }
}
