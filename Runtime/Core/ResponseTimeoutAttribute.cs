using System.Globalization;

namespace Optimus.Runtime;

/// <summary>On a grain interface method: overrides the silo's default response timeout for calls to it.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ResponseTimeoutAttribute(string timeout) : Attribute
{
    /// <summary>The timeout, parsed from a <see cref="TimeSpan"/> string such as <c>00:00:05</c>.</summary>
    public TimeSpan Timeout { get; } = TimeSpan.Parse(timeout, CultureInfo.InvariantCulture);
}
