namespace Optimus.Grains.Routing;

/// <summary>The HTTP address this silo serves the API on, as its clients reach it: set by the host once it listens.</summary>
internal sealed class ServiceAddress
{
    private volatile string? _url;

    public string? Url
    {
        get => _url;
        set => _url = value;
    }
}
