namespace Optimus.Grains;

/// <summary>
/// A failure the caller caused or must handle, with its stable <see cref="Code"/> (see <see cref="ProblemCodes"/>).
/// The code travels in <see cref="Exception.Data"/>, which the runtime carries across grain calls.
/// </summary>
public sealed class ProblemException : Exception
{
    private const string CodeKey = "optimus.code";

    /// <summary>A problem with its code and a message that says what is wrong and what to do.</summary>
    public ProblemException(string code, string message) : base(message) => Data[CodeKey] = code;

    /// <summary>Recreates a problem on the caller's side; the code arrives in <see cref="Exception.Data"/>.</summary>
    public ProblemException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>Required by the exception pattern; the code is <see cref="ProblemCodes.InvalidRequest"/>.</summary>
    public ProblemException(string message) : this(ProblemCodes.InvalidRequest, message)
    {
    }

    /// <summary>Required by the exception pattern.</summary>
    public ProblemException() : this(ProblemCodes.InvalidRequest, "The request is invalid.")
    {
    }

    /// <summary>The stable code, such as <c>dataset-not-found</c>.</summary>
    public string Code => Data[CodeKey] as string ?? ProblemCodes.InvalidRequest;
}
