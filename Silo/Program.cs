using Optimus.Runtime;
using Optimus.Silo.Api;
using Optimus.Silo.Hosting;

// `dotnet run --project Silo`: the embedded, single-silo service, data in ./data (--data), HTTP on
// http://localhost:8888 (--urls). With --postgres "<connection string>", a silo of the cluster kept in that database
// (see SiloSettings and the README).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (builder.Configuration["urls"] is null && Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is null)
{
    builder.WebHost.UseUrls("http://localhost:8888");
}

var settings = SiloSettings.From(builder.Configuration);
builder.UseOptimusSilo(settings.Configure);
builder.Services.AddOptimusApi();

var app = builder.Build();
app.Services.GetRequiredService<Optimus.Silo.Metrics.PrometheusExporter>(); // listening from the start, not from the first scrape
app.MapOptimusApi();
ServiceAddressPublisher.PublishWhenStarted(app);
app.Run();
