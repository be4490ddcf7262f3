using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Optimus.Grains.Versions;

/// <summary>Totals what the shards of each table reported and checks it against what the loader declared.</summary>
internal static class SaveVerification
{
    public static SaveVerdict Judge(IReadOnlyDictionary<string, ShardStats[]> shards, IReadOnlyDictionary<string, TableStats>? expect)
    {
        var tables = ImmutableDictionary.CreateBuilder<string, TableStats>(StringComparer.Ordinal);
        foreach (var (table, reports) in shards)
        {
            long entries = 0;
            ulong checksum = 0;
            foreach (var report in reports)
            {
                entries += report.Entries;
                checksum = unchecked(checksum + report.Checksum);
            }

            tables[table] = new TableStats(entries, EntryChecksum.Format(checksum));
        }

        var problems = new StringBuilder();
        foreach (var (table, declared) in expect ?? new Dictionary<string, TableStats>())
        {
            var found = tables[table];
            if (declared.Entries != found.Entries)
            {
                problems.Append(CultureInfo.InvariantCulture, $"table {table}: the loader declared {declared.Entries} entries, the shards hold {found.Entries}; ");
            }

            if (!string.Equals(declared.Checksum, found.Checksum, StringComparison.OrdinalIgnoreCase))
            {
                problems.Append(CultureInfo.InvariantCulture, $"table {table}: the loader declared checksum {declared.Checksum.ToLowerInvariant()}, the shards add up to {found.Checksum}; ");
            }
        }

        return problems.Length == 0
            ? new SaveVerdict(VersionStatus.Saved, tables.ToImmutable(), expect is null ? "saved" : "saved; declared counts and checksums verified")
            : new SaveVerdict(VersionStatus.Failed, tables.ToImmutable(), "integrity mismatch: " + problems.ToString().TrimEnd(' ', ';'));
    }
}
