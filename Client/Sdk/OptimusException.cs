using System.Net;

namespace Optimus.Client;

/// <summary>
/// The service refused a request, or could not be reached. <see cref="Code"/> is the API's stable problem code
/// (<c>dataset-not-found</c>, <c>version-not-writable</c>, ... as in API.md), or <c>unavailable</c> when no server
/// answered within the retries.
/// </summary>
public class OptimusException : Exception
{
    public OptimusException()
        : this("unavailable", "The service could not be reached.")
    {
    }

    public OptimusException(string message)
        : this("unavailable", message)
    {
    }

    public OptimusException(string message, Exception innerException)
        : this("unavailable", message, null, innerException)
    {
    }

    public OptimusException(string code, string message, HttpStatusCode? status = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        Status = status;
    }

    /// <summary>The problem code: see <c>Optimus.Grains.ProblemCodes</c>.</summary>
    public string Code { get; }

    /// <summary>The HTTP status the service answered with; null when no server answered, or the answer came through a
    /// gateway (reads: see <see cref="OptimusClientOptions.ReadThroughGateway"/>), which has no statuses — use <see cref="Code"/>.</summary>
    public HttpStatusCode? Status { get; }
}
