namespace Optimus.Grains.Datasets;

/// <summary>The durable state of a dataset grain; every change is one ETag-checked write.</summary>
internal sealed class DatasetState
{
    public bool Exists { get; set; }

    public List<string> Tables { get; set; } = [];

    public int KeepVersions { get; set; } = RetentionPolicy.DefaultKeepVersions;

    public DateTimeOffset CreatedAt { get; set; }

    public string? Active { get; set; }

    /// <summary>Bumped by every publish and rollback, so that caches can tell newer pointers from older ones.</summary>
    public long PublishSequence { get; set; }

    /// <summary>The versions that were made active, oldest first; the last is the current one. Rollback pops it.</summary>
    public List<string> ActiveHistory { get; set; } = [];

    public long NextVersionNumber { get; set; } = 1;

    /// <summary>Every version, oldest first.</summary>
    public List<VersionRecord> Versions { get; set; } = [];
}
