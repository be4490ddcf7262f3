using Microsoft.Extensions.Options;
using Optimus.Grains;
using Optimus.Grains.Routing;
using Optimus.Runtime;

namespace Optimus.Silo.Api;

/// <summary>The <c>/v1/versions</c> routes: create, list, show, save, publish, discard; and where a version's shards live.</summary>
internal static class VersionEndpoints
{
    // A save waited for (?wait=) asks for the verdict after 5 ms, then twice as long each time up to every 50 ms: a
    // small version's save answers within a few ms of its verdict, a large one's costs a poll every 50 ms.
    private static readonly TimeSpan FirstSavePoll = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LastSavePoll = TimeSpan.FromMilliseconds(50);

    public static void MapVersions(this IEndpointRouteBuilder app)
    {
        var versions = app.MapGroup("/v1/versions").WithTags("Versions");
        versions.MapPost("/", CreateAsync);
        versions.MapGet("/", ListAsync);
        versions.MapGet("/{version}", GetAsync);
        versions.MapPost("/{version}/save", SaveAsync);
        versions.MapPost("/{version}/publish", PublishAsync);
        versions.MapPost("/{version}/discard", DiscardAsync);
        versions.MapGet("/{version}/routes", RoutesAsync);
    }

    private static async Task<IResult> CreateAsync(CreateVersionRequest? body, IGrainFactory grains)
    {
        if (body?.Dataset is not { } dataset)
        {
            throw new ProblemException(ProblemCodes.InvalidRequest, "The body needs \"dataset\".");
        }

        var info = await DatasetEndpoints.Dataset(grains, dataset).CreateVersion(body.Label, body.ExpectedEntries);
        return Results.Created($"/v1/versions/{info.Id}", info);
    }

    private static async Task<IResult> ListAsync(HttpRequest request, IGrainFactory grains)
    {
        var dataset = DatasetEndpoints.Dataset(grains, Query.Required(request, "dataset"));
        return Results.Ok(await dataset.ListVersions(Query.Text(request, "after"), Query.Limit(request)));
    }

    private static async Task<IResult> GetAsync(string version, IGrainFactory grains, VersionDirectory directory) =>
        Results.Ok(await (await DatasetOf(grains, directory, version)).GetVersion(version));

    private static async Task<IResult> SaveAsync(
        string version, SaveRequest? body, HttpRequest request, IGrainFactory grains, VersionDirectory directory, IOptions<ApiLimits> limits, TimeProvider time)
    {
        var wait = TimeSpan.FromSeconds(Query.Int(request, "wait", 0, 0, limits.Value.MaxSaveWaitSeconds));
        var dataset = await DatasetOf(grains, directory, version);
        var info = await dataset.Save(version, body?.Expect);
        var started = time.GetTimestamp();
        var poll = FirstSavePoll;
        while (info.Status == VersionStatus.Saving && time.GetElapsedTime(started) < wait)
        {
            await Task.Delay(poll, time, request.HttpContext.RequestAborted);
            poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, LastSavePoll.Ticks));
            info = await dataset.GetVersion(version);
        }

        return info.Status == VersionStatus.Saving ? Results.Accepted($"/v1/versions/{version}", info) : Results.Ok(info);
    }

    private static async Task<IResult> PublishAsync(string version, IGrainFactory grains, VersionDirectory directory) =>
        Results.Ok(await (await DatasetOf(grains, directory, version)).Publish(version));

    private static async Task<IResult> DiscardAsync(string version, DiscardRequest? body, IGrainFactory grains, VersionDirectory directory) =>
        Results.Ok(await (await DatasetOf(grains, directory, version)).Discard(version, body?.Reason));

    // Not in API.md: where each shard lives, so that the SDK sends a key's request straight to the silo holding it.
    private static async Task<IResult> RoutesAsync(string version, ShardRouteMap routes) => Results.Ok(await routes.GetAsync(version));

    private static async Task<IDatasetGrain> DatasetOf(IGrainFactory grains, VersionDirectory directory, string version) =>
        grains.GetGrain<IDatasetGrain>((await directory.GetLayoutAsync(version)).Dataset);
}
