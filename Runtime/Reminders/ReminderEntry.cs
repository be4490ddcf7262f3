namespace Optimus.Runtime;

/// <summary>
/// One row of the reminder table. Ticks are anchored at <see cref="StartAt"/> + n·<see cref="Period"/>; missed ticks
/// are skipped, not replayed. <see cref="GrainHash"/> is the grain id's stable hash, so a silo can read the reminders
/// of its slice of the ring.
/// </summary>
public sealed record ReminderEntry(GrainId GrainId, string Name, DateTimeOffset StartAt, TimeSpan Period, string? ETag = null)
{
    /// <summary>The grain id's stable hash.</summary>
    public uint GrainHash => GrainId.GetUniformHashCode();
}
