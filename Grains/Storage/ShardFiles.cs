using Microsoft.Extensions.Options;

namespace Optimus.Grains.Storage;

/// <summary>Where a version's files live: <c>{data}/versions/{version}/{table}/{shard}.staging|.segment</c>.</summary>
internal sealed class ShardFiles(IOptions<OptimusOptions> options)
{
    private readonly string _root = Path.GetFullPath(Path.Combine(options.Value.DataDirectory, "versions"));

    public string VersionDirectory(string version) => Path.Combine(_root, version);

    public string Staging(string version, string table, int shard) => Path.Combine(_root, version, table, $"{shard}.staging");

    public string Segment(string version, string table, int shard) => Path.Combine(_root, version, table, $"{shard}.segment");
}
