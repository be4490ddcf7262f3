namespace Optimus.Client.Loading;

/// <summary>
/// One request's worth of entries of one shard of one table, as the JSON body to send. Its id is derived from its
/// content, so a batch sent again — by a retry, or by a load resumed over the same input — is counted once.
/// </summary>
internal sealed record Batch(string Table, int Shard, int Number, int Count, ReadOnlyMemory<byte> Body)
{
    public string Id { get; } = $"{Table}/{Shard}/{Runtime.StableHash.Hash64(Body.Span):x16}";
}
