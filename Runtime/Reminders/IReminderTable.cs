namespace Optimus.Runtime;

/// <summary>
/// The durable table of reminders. Its contract, which the reminder conformance kit checks for every provider:
/// upserts are blind and return a fresh ETag; removal is conditional on the ETag; ranges are over grain hashes,
/// <c>(rangeStart, rangeEnd]</c>, wrapping past <see cref="uint.MaxValue"/>, and the whole ring when the two are equal.
/// </summary>
public interface IReminderTable
{
    /// <summary>All reminders of one grain.</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken);

    /// <summary>One reminder, or null.</summary>
    Task<ReminderEntry?> ReadRowAsync(GrainId grainId, string name, CancellationToken cancellationToken);

    /// <summary>The reminders whose grain hash lies in <c>(rangeStart, rangeEnd]</c> of the ring.</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadRangeAsync(uint rangeStart, uint rangeEnd, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces a reminder; returns its new ETag.</summary>
    Task<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken);

    /// <summary>Removes a reminder if its ETag is <paramref name="etag"/>; false when it was not there or had changed.</summary>
    Task<bool> RemoveRowAsync(GrainId grainId, string name, string etag, CancellationToken cancellationToken);
}
