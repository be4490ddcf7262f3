using System.Globalization;

namespace Optimus.Grains.Shards;

/// <summary>A shard grain's key, <c>{version}/{table}/{shard}</c>, taken apart.</summary>
internal readonly record struct ShardKey(string Version, string Table, int Shard)
{
    public static ShardKey Parse(string key)
    {
        var last = key.LastIndexOf('/');
        var middle = last > 0 ? key.LastIndexOf('/', last - 1) : -1;
        if (middle <= 0 || !int.TryParse(key.AsSpan(last + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var shard))
        {
            throw new ArgumentException($"'{key}' is not a shard key of the form version/table/shard.", nameof(key));
        }

        return new ShardKey(key[..middle], key[(middle + 1)..last], shard);
    }
}
