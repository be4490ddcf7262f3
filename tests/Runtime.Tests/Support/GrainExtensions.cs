namespace Optimus.Runtime.Tests.Support;

public static class GrainExtensions
{
    /// <summary>The key of a grain reference, from its id (type/key).</summary>
    public static string GetPrimaryKey(this IAddressable grain) =>
        GrainId.Parse(grain.ToString()!).Key;
}
