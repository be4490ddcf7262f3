using Optimus.Runtime;

// The embedded, single-silo service: `dotnet run --project Silo`. Data in ./data (OPTIMUS_DATA or --data),
// HTTP on http://localhost:8888 (ASPNETCORE_URLS or --urls).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var dataDirectory = Path.GetFullPath(builder.Configuration["data"] ?? Environment.GetEnvironmentVariable("OPTIMUS_DATA") ?? "data");
if (builder.Configuration["urls"] is null && Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is null)
{
    builder.WebHost.UseUrls("http://localhost:8888");
}

builder.UseOptimusSilo(silo => silo.UseSqlite(Path.Combine(dataDirectory, "silo.db")));

var app = builder.Build();
app.MapGet("/healthz", () => Results.Text("ok"));
app.MapGet("/readyz", (ILocalSilo silo) => silo.Status == SiloStatus.Active
    ? Results.Text("ready")
    : Results.Text($"silo is {silo.Status}", statusCode: StatusCodes.Status503ServiceUnavailable));
app.Run();
