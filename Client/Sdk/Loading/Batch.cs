namespace Optimus.Client.Loading;

/// <summary>
/// One request's worth of entries of one shard of one table, as the JSON body to send. Its id is its place among its
/// shard's batches and a hash of its content, so a batch sent again — by a retry, or by a load resumed over the same
/// input with the same options — is counted once, while an equal batch later in the input is not mistaken for it.
/// </summary>
internal sealed record Batch(string Table, int Shard, int Sequence, int Number, int Count, ReadOnlyMemory<byte> Body)
{
    public string Id { get; } = $"{Table}/{Shard}/{Sequence}/{Runtime.StableHash.Hash64(Body.Span):x16}";
}
