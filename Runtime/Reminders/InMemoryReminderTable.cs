namespace Optimus.Runtime.Reminders;

/// <summary>A reminder table in a dictionary, for tests: the same contract as the durable ones.</summary>
internal sealed class InMemoryReminderTable : IReminderTable
{
    private readonly Dictionary<(GrainId Grain, string Name), ReminderEntry> _rows = [];

    public Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken) =>
        Select(row => row.GrainId == grainId);

    public Task<ReminderEntry?> ReadRowAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        lock (_rows)
        {
            return Task.FromResult(_rows.GetValueOrDefault((grainId, name)));
        }
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadRangeAsync(uint rangeStart, uint rangeEnd, CancellationToken cancellationToken) =>
        Select(row => ReminderRange.Contains(rangeStart, rangeEnd, row.GrainHash));

    public Task<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        var etag = Guid.NewGuid().ToString("N");
        lock (_rows)
        {
            _rows[(entry.GrainId, entry.Name)] = entry with { ETag = etag };
        }

        return Task.FromResult(etag);
    }

    public Task<bool> RemoveRowAsync(GrainId grainId, string name, string etag, CancellationToken cancellationToken)
    {
        lock (_rows)
        {
            var removed = _rows.TryGetValue((grainId, name), out var row) && row.ETag == etag && _rows.Remove((grainId, name));
            return Task.FromResult(removed);
        }
    }

    private Task<IReadOnlyList<ReminderEntry>> Select(Predicate<ReminderEntry> match)
    {
        lock (_rows)
        {
            IReadOnlyList<ReminderEntry> rows = [.. _rows.Values.Where(row => match(row))];
            return Task.FromResult(rows);
        }
    }
}
