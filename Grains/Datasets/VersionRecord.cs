using System.Collections.Immutable;

namespace Optimus.Grains.Datasets;

/// <summary>A dataset's record of one of its versions: status, history, and figures once saved.</summary>
internal sealed class VersionRecord
{
    public string Id { get; set; } = "";

    public string? Label { get; set; }

    public VersionStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public int Shards { get; set; }

    /// <summary>What the loader declared at save, if anything.</summary>
    public Dictionary<string, TableStats>? Expect { get; set; }

    /// <summary>What the shards reported, once saved (or failed verification).</summary>
    public Dictionary<string, TableStats>? Tables { get; set; }

    public List<VersionEvent> History { get; set; } = [];

    /// <summary>True when saving found the data different from what the loader declared: it can never be published.</summary>
    public bool IntegrityMismatch { get; set; }

    /// <summary>True once the janitor has deleted the data of a discarded or failed version.</summary>
    public bool DataDeleted { get; set; }

    public void Move(VersionStatus status, DateTimeOffset at, string? reason)
    {
        Status = status;
        History.Add(new VersionEvent(status, at, reason));
    }

    public VersionInfo ToInfo(string dataset) => new(
        Id,
        dataset,
        Label,
        Status,
        CreatedAt,
        Shards,
        Tables?.ToImmutableDictionary(StringComparer.Ordinal),
        [.. History]);

    public VersionSummary ToSummary() => new(Id, Status, Label, CreatedAt);
}
