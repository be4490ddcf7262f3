using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Optimus.Grains;
using Optimus.Grains.Loading;
using Optimus.Runtime;

namespace Optimus.Silo.Api;

/// <summary>The <c>/v1/datasets</c> routes: create, list, show, tables, multi-table load, rollback.</summary>
internal static class DatasetEndpoints
{
    public static void MapDatasets(this IEndpointRouteBuilder app)
    {
        var datasets = app.MapGroup("/v1/datasets").WithTags("Datasets");
        datasets.MapPost("/", CreateAsync);
        datasets.MapGet("/", ListAsync);
        datasets.MapGet("/{dataset}", GetAsync);
        datasets.MapGet("/{dataset}/tables", TablesAsync);
        datasets.MapPost("/{dataset}", LoadAsync);
        datasets.MapPost("/{dataset}/rollback", RollbackAsync);
    }

    private static async Task<IResult> CreateAsync(CreateDatasetRequest? body, IGrainFactory grains)
    {
        if (body?.Name is not { } name || body.Tables is not { } tables)
        {
            throw new ProblemException(ProblemCodes.InvalidRequest, "The body needs \"name\" and \"tables\".");
        }

        Names.CheckName(name, "dataset");
        var info = await grains.GetGrain<IDatasetGrain>(name).Create(tables, body.Retention ?? new RetentionPolicy());
        return Results.Created($"/v1/datasets/{name}", info);
    }

    private static async Task<IResult> ListAsync(HttpRequest request, IGrainFactory grains)
    {
        var page = await grains.GetGrain<IDatasetRegistryGrain>(IDatasetRegistryGrain.Key).List(Query.Text(request, "after"), Query.Limit(request));
        var items = await Task.WhenAll(page.Items.Select(name => grains.GetGrain<IDatasetGrain>(name).Get()));
        return Results.Ok(new Page<DatasetInfo>([.. items], page.Next));
    }

    private static async Task<IResult> GetAsync(string dataset, IGrainFactory grains) =>
        Results.Ok(await Dataset(grains, dataset).Get());

    private static async Task<IResult> TablesAsync(string dataset, IGrainFactory grains)
    {
        var grain = Dataset(grains, dataset);
        var info = await grain.Get();
        var stats = info.ActiveVersion is { } active ? (await grain.GetVersion(active)).Tables : null;
        return Results.Ok(info.Tables.Select(t => new TableSummary(t, stats is not null && stats.TryGetValue(t, out var s) ? s.Entries : null)).ToImmutableArray());
    }

    private static async Task<IResult> LoadAsync(string dataset, HttpContext context, EntryWriter writer, IOptions<ApiLimits> limits)
    {
        Names.CheckName(dataset, "dataset");
        var version = Query.Required(context.Request, "version");
        var body = await EntryBody.ReadAsync(context.Request, limits.Value, table: null);
        return await Loads.WriteAsync(context, writer, dataset, version, body);
    }

    private static async Task<IResult> RollbackAsync(string dataset, IGrainFactory grains) =>
        Results.Ok(await Dataset(grains, dataset).Rollback());

    /// <summary>The dataset grain of a valid name; an invalid name is <c>invalid-name</c> before any grain is touched.</summary>
    public static IDatasetGrain Dataset(IGrainFactory grains, string dataset)
    {
        Names.CheckName(dataset, "dataset");
        return grains.GetGrain<IDatasetGrain>(dataset);
    }
}
