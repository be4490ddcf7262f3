using System.Collections.Immutable;
using System.Globalization;

namespace Optimus.Runtime.Placement;

/// <summary>
/// Grains placed by consistent hashing over silos: each silo stands at <see cref="VirtualNodes"/> points of a 32-bit
/// ring (the stable hash of its address and the point's number), and a grain belongs to the first point at or after its
/// own hash. When a silo joins or leaves, only the grains between its points and their neighbours move: about 1/N.
/// </summary>
internal sealed class ConsistentHashRing
{
    /// <summary>Points per silo: enough to spread a few silos evenly, few enough to rebuild in microseconds.</summary>
    public const int VirtualNodes = 64;

    private readonly uint[] _points;
    private readonly SiloAddress[] _owners;
    private readonly SiloAddress? _only; // a ring of one silo needs no hashing: a silo alone owns every grain

    public ConsistentHashRing(IEnumerable<SiloAddress> silos)
    {
        var points = new List<(uint Point, SiloAddress Silo)>();
        foreach (var silo in silos)
        {
            for (var i = 0; i < VirtualNodes; i++)
            {
                points.Add((StableHash.Hash32(string.Create(CultureInfo.InvariantCulture, $"{silo}#{i}")), silo));
            }
        }

        points.Sort((a, b) => a.Point != b.Point ? a.Point.CompareTo(b.Point) : string.CompareOrdinal(a.Silo.ToString(), b.Silo.ToString()));
        _points = [.. points.Select(p => p.Point)];
        _owners = [.. points.Select(p => p.Silo)];
        Silos = [.. points.Select(p => p.Silo).Distinct()];
        _only = Silos.Length == 1 ? Silos[0] : null;
    }

    public ImmutableArray<SiloAddress> Silos { get; }

    public bool IsEmpty => _points.Length == 0;

    /// <summary>The silo that owns <paramref name="hash"/>.</summary>
    public SiloAddress Owner(uint hash)
    {
        if (_points.Length == 0)
        {
            throw new SiloUnavailableException("No silo is active in the cluster.");
        }

        var index = Array.BinarySearch(_points, hash);
        if (index < 0)
        {
            index = ~index;
        }

        return _owners[index == _points.Length ? 0 : index];
    }

    /// <summary>The silo that owns <paramref name="grain"/>.</summary>
    public SiloAddress Owner(GrainId grain) => _only ?? Owner(grain.GetUniformHashCode());
}
