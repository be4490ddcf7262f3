namespace Optimus.Runtime;

/// <summary>
/// A grain's durable state, injected by constructor parameter with <see cref="PersistentStateAttribute"/> and loaded
/// before <see cref="Grain.OnActivateAsync"/>. Writes are conditional on <see cref="Etag"/>: a stale write throws
/// <see cref="InconsistentStateException"/>. After any failed write — stale, or the store unavailable — the activation
/// is dropped once its running calls end, so that the next call reloads what is really stored.
/// </summary>
public interface IPersistentState<TState> where TState : class, new()
{
    /// <summary>The state; a new <typeparamref name="TState"/> when nothing is stored.</summary>
    TState State { get; set; }

    /// <summary>The ETag of what was last read or written; null when nothing was ever stored.</summary>
    string? Etag { get; }

    /// <summary>True when a state is stored (written and not cleared).</summary>
    bool RecordExists { get; }

    /// <summary>Reads the stored state again.</summary>
    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes <see cref="State"/>, conditional on <see cref="Etag"/>.</summary>
    Task WriteStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Clears the stored state, conditional on <see cref="Etag"/>, and resets <see cref="State"/>.</summary>
    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
