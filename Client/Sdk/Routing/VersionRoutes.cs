using Optimus.Client.Http;
using Optimus.Grains;

namespace Optimus.Client.Routing;

/// <summary>The routes of one version as last learned, and the one refresh under way, if any.</summary>
internal sealed class VersionRoutes(string version)
{
    private readonly Lock _lock = new();
    private Task? _refreshing;
    private long _learnedAt;

    public ShardMap? Map { get; private set; }

    public bool IsStale(TimeProvider time, TimeSpan freshness) => _learnedAt == 0 || time.GetElapsedTime(_learnedAt) > freshness;

    public void MarkStaleIfNaming(Uri server)
    {
        if (Map?.Names(server) == true)
        {
            _learnedAt = 0;
        }
    }

    public Task RefreshAsync(ApiConnection api, TimeProvider time)
    {
        lock (_lock)
        {
            return _refreshing is { IsCompleted: false } running ? running : _refreshing = LearnAsync(api, time);
        }
    }

    private async Task LearnAsync(ApiConnection api, TimeProvider time)
    {
        try
        {
            var path = $"/v1/versions/{Uri.EscapeDataString(version)}/routes";
            using var response = await api.SendAsync(server => new HttpRequestMessage(HttpMethod.Get, new Uri(server, path)), Repeat.Always, CancellationToken.None, attempts: 1);
            Map = ShardMap.From(await ApiConnection.ReadAsync(response, OptimusJsonContext.Default.ShardRoutes, CancellationToken.None));
        }
#pragma warning disable CA1031 // routes only spare hops: without them requests go to any server, and the next read asks again
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            _learnedAt = time.GetTimestamp();
        }
    }
}
