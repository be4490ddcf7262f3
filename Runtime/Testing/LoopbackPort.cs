using System.Net;
using System.Net.Sockets;

namespace Optimus.Runtime.Testing;

/// <summary>Free TCP ports on loopback, for the servers tests and benchmarks start (silos, PostgreSQL, Redis, HTTP).</summary>
public static class LoopbackPort
{
    /// <summary>A port no one listens on now: the system's pick for a listener that is closed at once.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
