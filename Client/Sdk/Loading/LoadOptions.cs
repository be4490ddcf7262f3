namespace Optimus.Client;

/// <summary>How <see cref="OptimusClient.LoadAsync"/> batches and sends entries.</summary>
public sealed class LoadOptions
{
    /// <summary>The most entries in one batch (the service takes at most 10,000 per request). Default: 5,000.</summary>
    public int MaxBatchEntries { get; set; } = 5_000;

    /// <summary>A batch is sent before it would hold more than this many bytes of JSON (the service takes at most 16 MiB). Default: 4 MiB.</summary>
    public int MaxBatchBytes { get; set; } = 4 << 20;

    /// <summary>
    /// The most bytes of batches being filled at once, over all tables and shards: past it, the fullest batch is sent
    /// early, so that a version with many shards does not hold a full batch for each. Default: 64 MiB.
    /// </summary>
    public long MaxBufferedBytes { get; set; } = 64L << 20;

    /// <summary>The largest value, in bytes of JSON; a larger one is refused before anything is sent. Default: 1 MiB, the service's default limit.</summary>
    public int MaxValueBytes { get; set; } = 1 << 20;

    /// <summary>How many batches are in flight at once. Default: 4.</summary>
    public int Parallelism { get; set; } = 4;

    /// <summary>
    /// Promise that no key repeats within a table, so that the loader need not remember every key to count distinct
    /// ones (about 30 bytes per entry). A broken promise is caught: the declared count will not match and the save
    /// fails. Default: false.
    /// </summary>
    public bool KeysAreUnique { get; set; }

    /// <summary>For tests only: the number (from 0) of a batch that is counted but never sent, as if it were lost.</summary>
    internal int DropBatch { get; set; } = -1;

    internal void Validate()
    {
        string? problem = MaxBatchEntries is < 1 or > 10_000 ? $"MaxBatchEntries must be between 1 and 10,000; it is {MaxBatchEntries}."
            : MaxBatchBytes is < 1024 or > 8 << 20 ? $"MaxBatchBytes must be between 1 KiB and 8 MiB (half the service's request limit); it is {MaxBatchBytes}."
            : MaxBufferedBytes < MaxBatchBytes ? $"MaxBufferedBytes ({MaxBufferedBytes}) must be at least MaxBatchBytes ({MaxBatchBytes})."
            : MaxValueBytes < 1 ? $"MaxValueBytes must be positive; it is {MaxValueBytes}."
            : Parallelism < 1 ? $"Parallelism must be at least 1; it is {Parallelism}."
            : null;
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(LoadOptions));
        }
    }
}
