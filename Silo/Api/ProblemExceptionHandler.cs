using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Optimus.Grains;
using Optimus.Runtime;
using Optimus.Runtime.Persistence;

namespace Optimus.Silo.Api;

/// <summary>
/// Turns every failure into problem details: a <see cref="ProblemException"/> keeps its code; malformed requests and
/// bodies over the limit get theirs; a failure that a retry cures is <c>unavailable</c>; anything else is a bug, logged.
/// </summary>
internal sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true; // the client went away: nobody to answer, and no bug of ours
        }

        var (code, detail, status) = exception switch
        {
            ProblemException problem => (problem.Code, problem.Message, (int?)null),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (ProblemCodes.PayloadTooLarge, "The request body is larger than the limit.", null),
            BadHttpRequestException bad => (ProblemCodes.InvalidRequest, bad.Message, null),
            JsonException json => (ProblemCodes.InvalidRequest, $"The body is not valid JSON: {json.Message}", null),
            // Transient: a silo gone, a call too slow, the store away, or a write that lost a race to a brief duplicate
            // activation (the grain reloads). The same request again is the cure.
            SiloUnavailableException or RequestTimeoutException or StorageUnavailableException or InconsistentStateException =>
                (ProblemCodes.Unavailable, exception.Message, null),
            _ => (ProblemCatalog.InternalError, "The service failed to answer; the failure is logged.", null),
        };

        if (code == ProblemCatalog.InternalError)
        {
            LogUnexpected(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        if (httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.Clear();
        await ProblemResponses.WriteAsync(httpContext, code, detail, status);
        return true;
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Error, Message = "{Method} {Path} failed unexpectedly.")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, PathString path);
}
