using Optimus.Grains;
using Optimus.Runtime;
using Optimus.Silo.Api;

// The embedded, single-silo service: `dotnet run --project Silo`. Data in ./data (OPTIMUS_DATA or --data),
// HTTP on http://localhost:8888 (ASPNETCORE_URLS or --urls).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var dataDirectory = Path.GetFullPath(builder.Configuration["data"] ?? Environment.GetEnvironmentVariable("OPTIMUS_DATA") ?? "data");
if (builder.Configuration["urls"] is null && Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is null)
{
    builder.WebHost.UseUrls("http://localhost:8888");
}

builder.UseOptimusSilo(silo => silo
    .UseSqlite(Path.Combine(dataDirectory, "silo.db"))
    .AddOptimus(o => o.DataDirectory = dataDirectory));
builder.Services.AddOptimusApi();

var app = builder.Build();
app.Services.GetRequiredService<Optimus.Silo.Metrics.PrometheusExporter>(); // listening from the start, not from the first scrape
app.MapOptimusApi();
app.Run();
