using System.Globalization;
using System.Text;

namespace Optimus.Compare.Bench.Peers;

/// <summary>The entries every system gets: keys <c>user:%08d</c>, 100-byte values (a JSON string, so Optimus takes it as it is).</summary>
internal static class Data
{
    private static readonly byte[][] Values = [.. Enumerable.Range(0, 26).Select(i => Encoding.UTF8.GetBytes($"\"{new string((char)('a' + i), 98)}\""))];

    public static string Key(int i) => string.Create(CultureInfo.InvariantCulture, $"user:{i:D8}");

    public static byte[] Value(int i) => Values[i % Values.Length];
}
