using System.Collections.Immutable;

namespace Optimus.Runtime;

/// <summary>
/// Values that travel with a call to the grain it calls, and from there to the calls that grain makes: a trace id, a
/// tenant, a deadline. Set before calling; read inside the grain. Keep them few and short: they travel on every hop.
/// </summary>
public static class RequestContext
{
    /// <summary>The value for <paramref name="key"/>, or null.</summary>
    public static string? Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var values = RequestContextData.Current?.Values;
        return values is not null && values.TryGetValue(key, out var value) ? value : null;
    }

    /// <summary>Sets a value that calls made from here on (in this async flow) carry.</summary>
    public static void Set(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        var current = RequestContextData.Current;
        var values = (current?.Values ?? ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal))
            .SetItem(key, value);
        RequestContextData.Current = (current ?? RequestContextData.Empty) with { Values = values };
    }

    /// <summary>Removes a value; true when it was there.</summary>
    public static bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var current = RequestContextData.Current;
        if (current?.Values is null || !current.Values.ContainsKey(key))
        {
            return false;
        }

        var values = current.Values.Remove(key);
        RequestContextData.Current = current with { Values = values.IsEmpty ? null : values };
        return true;
    }

    /// <summary>Removes every value.</summary>
    public static void Clear()
    {
        var current = RequestContextData.Current;
        if (current?.Values is not null)
        {
            RequestContextData.Current = current with { Values = null };
        }
    }

    /// <summary>
    /// Lets calls made inside the returned scope come back into the current grain while it waits for them
    /// (A → B → A), even though the grain is not <see cref="ReentrantAttribute"/>. Only requests of this call chain
    /// may interleave; other callers still wait their turn. Dispose the scope when the calls are done.
    /// </summary>
    public static IDisposable AllowCallChainReentrancy() => CallChainReentrancyScope.Enter();
}
