using System.Text.Json.Serialization;

namespace Optimus.Grains;

/// <summary>Where a version is in its life. Written in JSON as in API.md: <c>AWAITING_ENTRIES</c>, <c>SAVING</c>, ...</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VersionStatus>))]
public enum VersionStatus
{
    /// <summary>A draft: loading entries, invisible to reads that name no version.</summary>
    [JsonStringEnumMemberName("AWAITING_ENTRIES")]
    AwaitingEntries,

    /// <summary>Batches are fenced; shards are building their segments.</summary>
    [JsonStringEnumMemberName("SAVING")]
    Saving,

    /// <summary>Complete and verified; can be published.</summary>
    [JsonStringEnumMemberName("SAVED")]
    Saved,

    /// <summary>The active version of its dataset.</summary>
    [JsonStringEnumMemberName("PUBLISHED")]
    Published,

    /// <summary>Given up (by its owner, by retention, or abandoned); its data is deleted.</summary>
    [JsonStringEnumMemberName("DISCARDED")]
    Discarded,

    /// <summary>Saving found a mismatch with what the loader declared, or the draft was abandoned; never published.</summary>
    [JsonStringEnumMemberName("FAILED")]
    Failed,
}
