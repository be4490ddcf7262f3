using Optimus.Runtime;

namespace Optimus.Grains;

/// <summary>How many saved versions a dataset keeps besides its active one; the janitor deletes the rest.</summary>
[Immutable]
public sealed record RetentionPolicy(int KeepVersions = RetentionPolicy.DefaultKeepVersions)
{
    /// <summary>The default: keep 10 saved versions.</summary>
    public const int DefaultKeepVersions = 10;

    /// <summary>The most saved versions a dataset may keep.</summary>
    public const int MaxKeepVersions = 1000;
}
