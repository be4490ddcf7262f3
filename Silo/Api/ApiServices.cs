using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Optimus.Grains;
using Optimus.Runtime;

namespace Optimus.Silo.Api;

/// <summary>Registers and maps the REST API of API.md, its problem details, health and OpenAPI document.</summary>
internal static class ApiServices
{
    public static IServiceCollection AddOptimusApi(this IServiceCollection services)
    {
        services.AddValidatedOptions<ApiLimits>().BindConfiguration("Optimus:Api");
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ApiLimits>>((kestrel, limits) =>
            kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBytes); // every body; loads set their own
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddProblemDetails();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // malformed bodies become problems too
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, OptimusJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(1, SiloJsonContext.Default);
        });
        services.AddOpenApi();
        services.AddSingleton<Metrics.PrometheusExporter>();
        return services;
    }

    public static WebApplication MapOptimusApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.MapGet("/healthz", () => Results.Text("ok")).WithTags("Service");
        app.MapGet("/readyz", (ILocalSilo silo) => silo.Status == SiloStatus.Active
            ? Results.Text("ready")
            : Results.Text($"silo is {silo.Status}", statusCode: StatusCodes.Status503ServiceUnavailable)).WithTags("Service");
        app.MapGet("/cluster", (ILocalSilo silo) => Results.Ok(ClusterView.Of(silo))).WithTags("Service");
        app.MapOpenApi();
        app.MapGet("/metrics", (Metrics.PrometheusExporter exporter) => Results.Text(exporter.Render(), "text/plain; version=0.0.4")).WithTags("Service");
        app.MapDatasets();
        app.MapVersions();
        app.MapEntries();
        return app;
    }
}
