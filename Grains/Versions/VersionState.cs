namespace Optimus.Grains.Versions;

/// <summary>The durable state of a version grain.</summary>
internal sealed class VersionState
{
    public VersionLayout? Layout { get; set; }

    /// <summary>True once saving or discarding began: no load request is admitted any more.</summary>
    public bool Fenced { get; set; }

    /// <summary>True from the moment a save begins; the save resumes after a restart until it has a verdict.</summary>
    public bool Saving { get; set; }

    public Dictionary<string, TableStats>? Expect { get; set; }

    public SaveVerdict? Verdict { get; set; }

    /// <summary>Per table, per shard: what each sealed shard reported (kept for diagnosis).</summary>
    public Dictionary<string, ShardStats[]>? Shards { get; set; }

    public bool DataDeleted { get; set; }
}
