using System.Globalization;

namespace Optimus.Runtime.Persistence;

/// <summary>Grain storage in a dictionary, for tests: the same contract as the durable providers, and nothing survives the process.</summary>
internal sealed class InMemoryGrainStorage : IGrainStorage
{
    private readonly Dictionary<(string State, GrainId Grain), (byte[]? Data, long Version)> _records = [];

    public Task<GrainStateRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        lock (_records)
        {
            if (!_records.TryGetValue((stateName, grainId), out var record))
            {
                return Task.FromResult<GrainStateRecord?>(null);
            }

            return Task.FromResult<GrainStateRecord?>(record.Data is null
                ? new GrainStateRecord(null, Format(record.Version))
                : new GrainStateRecord(record.Data.ToArray(), Format(record.Version)));
        }
    }

    public Task<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> data, string? etag, CancellationToken cancellationToken)
    {
        lock (_records)
        {
            var version = Check(stateName, grainId, etag) + 1;
            _records[(stateName, grainId)] = (data.ToArray(), version);
            return Task.FromResult(Format(version));
        }
    }

    public Task<string?> ClearAsync(string stateName, GrainId grainId, string? etag, CancellationToken cancellationToken)
    {
        lock (_records)
        {
            if (etag is null && !_records.ContainsKey((stateName, grainId)))
            {
                return Task.FromResult<string?>(null);
            }

            var version = Check(stateName, grainId, etag) + 1;
            _records[(stateName, grainId)] = (null, version);
            return Task.FromResult<string?>(Format(version));
        }
    }

    private static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);

    // Returns the stored version (0 when none) if the ETag matches it; otherwise throws.
    private long Check(string stateName, GrainId grainId, string? etag)
    {
        var stored = _records.TryGetValue((stateName, grainId), out var record) ? record.Version : 0;
        var matches = etag is null ? stored == 0 : stored != 0 && etag == Format(stored);
        return matches ? stored : throw InconsistentStateException.StaleEtag(stateName, grainId, etag, stored == 0 ? null : Format(stored));
    }
}
