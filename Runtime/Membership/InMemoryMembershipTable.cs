using System.Collections.Immutable;

namespace Optimus.Runtime.Membership;

/// <summary>A membership table in memory, shared by the silos of one process in tests: the same contract as the durable ones.</summary>
internal sealed class InMemoryMembershipTable : IMembershipTable
{
    private readonly object _lock = new();
    private readonly Dictionary<SiloAddress, MembershipRow> _rows = [];
    private long _version;

    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(new MembershipTableData(_version, [.. _rows.Values]));
        }
    }

    public Task<bool> InsertRowAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_version != expectedVersion || _rows.ContainsKey(entry.Silo))
            {
                return Task.FromResult(false);
            }

            _rows[entry.Silo] = new MembershipRow(entry, NewEtag());
            _version++;
            return Task.FromResult(true);
        }
    }

    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, long expectedVersion, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_version != expectedVersion || !_rows.TryGetValue(entry.Silo, out var row) || row.ETag != etag)
            {
                return Task.FromResult(false);
            }

            _rows[entry.Silo] = new MembershipRow(entry, NewEtag());
            _version++;
            return Task.FromResult(true);
        }
    }

    public Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_rows.TryGetValue(silo, out var row))
            {
                _rows[silo] = row with { Entry = row.Entry with { IAmAliveAt = at } };
            }
        }

        return Task.CompletedTask;
    }

    public Task DeleteDeadRowsAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var silo in _rows.Values.Where(r => r.Entry.Status == MembershipStatus.Dead && r.Entry.IAmAliveAt < before).Select(r => r.Entry.Silo).ToList())
            {
                _rows.Remove(silo);
            }
        }

        return Task.CompletedTask;
    }

    private static string NewEtag() => Guid.NewGuid().ToString("N");
}
