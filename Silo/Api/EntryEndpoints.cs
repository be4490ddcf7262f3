using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Optimus.Grains;
using Optimus.Grains.Loading;
using Optimus.Grains.Routing;
using Optimus.Runtime;

namespace Optimus.Silo.Api;

/// <summary>
/// The entry routes of one table: load a batch or one entry, read one key, read many. Every read answers which
/// version it read (<c>X-Optimus-Version</c>) and which is active (<c>X-Optimus-Active-Version</c>).
/// </summary>
internal static class EntryEndpoints
{
    public const string VersionHeader = "X-Optimus-Version";
    public const string ActiveVersionHeader = "X-Optimus-Active-Version";

    public static void MapEntries(this IEndpointRouteBuilder app)
    {
        var table = app.MapGroup("/v1/datasets/{dataset}/tables/{table}").WithTags("Entries");
        table.MapPost("/entries", LoadAsync);
        table.MapPost("/entries/{key}", LoadOneAsync);
        table.MapGet("/entries/{key}", GetAsync);
        table.MapGet("/entries", GetManyAsync);
        table.MapPost("/lookup", LookupAsync);
    }

    private static async Task<IResult> LoadAsync(string dataset, string table, HttpContext context, EntryWriter writer, IOptions<ApiLimits> limits)
    {
        CheckNames(dataset, table);
        var version = Query.Required(context.Request, "version");
        var body = await EntryBody.ReadAsync(context.Request, limits.Value, table);
        return await Loads.WriteAsync(context, writer, dataset, version, body);
    }

    private static async Task<IResult> LoadOneAsync(string dataset, string table, HttpContext context, EntryWriter writer, IOptions<ApiLimits> limits)
    {
        CheckNames(dataset, table);
        var version = Query.Required(context.Request, "version");
        var key = RawKey(context);
        Names.CheckKey(key);
        var body = await EntryBody.ReadValueAsync(context.Request, limits.Value, table, key);
        return await Loads.WriteAsync(context, writer, dataset, version, body);
    }

    private static async Task GetAsync(string dataset, string table, HttpContext context, EntryReader reader)
    {
        CheckNames(dataset, table);
        var key = RawKey(context);
        var read = await reader.GetAsync(dataset, table, key, Query.Text(context.Request, "version"));
        SetVersionHeaders(context.Response, read.Version, read.ActiveVersion);
        if (read.Value is not { } value)
        {
            await ProblemResponses.WriteAsync(context, ProblemCodes.KeyNotFound, $"Table '{table}' of version {read.Version} has no key '{key}'.");
            return;
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = value.Length; // else the answer goes chunked, which costs both ends more than the value
        await context.Response.BodyWriter.WriteAsync(value);
    }

    private static async Task GetManyAsync(string dataset, string table, HttpContext context, EntryReader reader, IOptions<ApiLimits> limits)
    {
        CheckNames(dataset, table);
        var keys = context.Request.Query["key"];
        if (keys.Count == 0)
        {
            throw new ProblemException(ProblemCodes.InvalidRequest, "Name at least one key: ?key=a&key=b.");
        }

        await ReadManyAsync(context, reader, limits.Value, dataset, table, [.. keys.Select(k => k ?? "")], Query.Text(context.Request, "version"));
    }

    private static async Task LookupAsync(string dataset, string table, LookupRequest? body, HttpContext context, EntryReader reader, IOptions<ApiLimits> limits)
    {
        CheckNames(dataset, table);
        if (body?.Keys is not { IsDefaultOrEmpty: false } keys)
        {
            throw new ProblemException(ProblemCodes.InvalidRequest, "The body needs \"keys\": a non-empty array of keys.");
        }

        await ReadManyAsync(context, reader, limits.Value, dataset, table, keys, body.Version);
    }

    private static async Task ReadManyAsync(HttpContext context, EntryReader reader, ApiLimits limits, string dataset, string table, ImmutableArray<string> keys, string? version)
    {
        var distinct = keys.Distinct(StringComparer.Ordinal).ToImmutableArray();
        if (distinct.Length > limits.MaxKeysPerRead)
        {
            throw new ProblemException(ProblemCodes.PayloadTooLarge, $"A read names at most {limits.MaxKeysPerRead} keys; it names {distinct.Length}.");
        }

        var read = await reader.GetManyAsync(dataset, table, distinct, version);
        var response = context.Response;
        SetVersionHeaders(response, read.Version, read.ActiveVersion);
        response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("version", read.Version);
        writer.WriteStartObject("found");
        for (var i = 0; i < distinct.Length; i++)
        {
            if (read.Values[i] is { } value)
            {
                writer.WritePropertyName(distinct[i]);
                writer.WriteRawValue(value.Span, skipInputValidation: true);
            }
        }

        writer.WriteEndObject();
        writer.WriteStartArray("missing");
        for (var i = 0; i < distinct.Length; i++)
        {
            if (read.Values[i] is null)
            {
                writer.WriteStringValue(distinct[i]);
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void SetVersionHeaders(HttpResponse response, string version, string? active)
    {
        response.Headers[VersionHeader] = version;
        if (active is not null)
        {
            response.Headers[ActiveVersionHeader] = active;
        }
    }

    private static void CheckNames(string dataset, string table)
    {
        Names.CheckName(dataset, "dataset");
        Names.CheckName(table, "table");
    }

    // The key is the last segment of the raw path, unescaped exactly once: routing leaves %2F escaped and has already
    // unescaped the rest, so the route value cannot be trusted for keys holding '/' or '%'.
    private static string RawKey(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var end = target.IndexOf('?', StringComparison.Ordinal);
        var path = end < 0 ? target : target[..end];
        return Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
    }
}
