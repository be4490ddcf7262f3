using Optimus.Grains;
using Optimus.Grains.Loading;

namespace Optimus.Silo.Api;

/// <summary>What every load route does once its body is parsed.</summary>
internal static class Loads
{
    /// <summary>The header that makes a load idempotent: a retried request with the same key adds nothing twice.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static async Task<IResult> WriteAsync(HttpContext context, EntryWriter writer, string dataset, string version, EntryBody body)
    {
        var batchId = context.Request.Headers[IdempotencyKeyHeader].FirstOrDefault() is { Length: > 0 } key ? key : Guid.NewGuid().ToString("N");
        try
        {
            return Results.Ok(new LoadResult(await writer.WriteAsync(dataset, version, batchId, body.Entries)));
        }
        catch (ProblemException problem) when (problem.Code == ProblemCodes.TableNotFound)
        {
            // Loading into an undeclared table is bad input (400); reading one is a missing resource (404).
            await ProblemResponses.WriteAsync(context, problem.Code, problem.Message, StatusCodes.Status400BadRequest);
            return Results.Empty;
        }
    }
}
