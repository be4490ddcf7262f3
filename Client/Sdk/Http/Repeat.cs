namespace Optimus.Client.Http;

/// <summary>When a failed request may be sent again.</summary>
internal enum Repeat
{
    /// <summary>Whenever it failed for a passing reason: reads, and writes the service makes idempotent.</summary>
    Always,

    /// <summary>Only when it surely never reached a server (the connection could not be made): writes that would happen twice.</summary>
    IfNotSent,
}
