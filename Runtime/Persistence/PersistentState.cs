using Optimus.Runtime.Catalog;
using Optimus.Runtime.Serialization;

namespace Optimus.Runtime.Persistence;

/// <summary>The runtime's <see cref="IPersistentState{TState}"/>: JSON through the grain codec, bytes through the storage.</summary>
internal sealed class PersistentState<TState> : IPersistentState<TState>, IStateLoader
    where TState : class, new()
{
    private readonly ActivationData _activation;
    private readonly string _stateName;
    private readonly IGrainStorage _storage;
    private readonly GrainCodec _codec;

    public PersistentState(ActivationData activation, string stateName, IGrainStorage storage, GrainCodec codec)
    {
        _activation = activation;
        _stateName = stateName;
        _storage = storage;
        _codec = codec;
        activation.AddStateLoader(this);
    }

    public TState State { get; set; } = new();

    public string? Etag { get; private set; }

    public bool RecordExists { get; private set; }

    public Task LoadAsync(CancellationToken cancellationToken) => ReadStateAsync(cancellationToken);

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var record = await _storage.ReadAsync(_stateName, _activation.GrainId, cancellationToken);
        Etag = record?.ETag;
        RecordExists = record?.Data is not null;
        State = record?.Data is { } data ? (TState?)_codec.Deserialize(data.Span, typeof(TState)) ?? new TState() : new TState();
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        var data = _codec.SerializeToBytes(State, typeof(TState));
        try
        {
            Etag = await _storage.WriteAsync(_stateName, _activation.GrainId, data, Etag, cancellationToken);
            RecordExists = true;
        }
        catch (Exception exception)
        {
            Drop(exception);
            throw;
        }
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            Etag = await _storage.ClearAsync(_stateName, _activation.GrainId, Etag, cancellationToken);
            RecordExists = false;
            State = new TState();
        }
        catch (Exception exception)
        {
            Drop(exception);
            throw;
        }
    }

    // A write that failed, for whatever reason, leaves this activation's state ahead of what is stored (or behind it,
    // when another writer won): whether or not the grain catches the exception, the next call must reload.
    private void Drop(Exception exception) => _activation.RequestDeactivation(exception is InconsistentStateException
        ? new DeactivationReason(DeactivationReasonCode.InconsistentState, exception.Message)
        : new DeactivationReason(DeactivationReasonCode.ApplicationRequested, $"a state write failed: {exception.Message}"));
}
