using System.Text.Encodings.Web;
using System.Text.Json;
using Optimus.Grains;

namespace Optimus.Silo.Api;

/// <summary>Writes RFC 7807 problem details with the API's stable <c>code</c>.</summary>
internal static class ProblemResponses
{
    // Details quote names and keys: write them readably rather than \u0027-escaped. The response is JSON, not HTML.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(HttpContext context, string code, string detail, int? status = null)
    {
        var (defaultStatus, title) = ProblemCatalog.Describe(code);
        var response = context.Response;
        response.StatusCode = status ?? defaultStatus;
        response.ContentType = "application/problem+json";
        if (code == ProblemCodes.Unavailable)
        {
            response.Headers.RetryAfter = "1";
        }

        await using var writer = new Utf8JsonWriter(response.Body, Options);
        writer.WriteStartObject();
        writer.WriteString("type", $"urn:optimus:problem:{code}");
        writer.WriteString("title", title);
        writer.WriteNumber("status", response.StatusCode);
        writer.WriteString("detail", detail);
        writer.WriteString("code", code);
        writer.WriteEndObject();
    }
}
