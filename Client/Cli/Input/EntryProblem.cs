using System.Text;
using Optimus.Grains;

namespace Optimus.Cli.Input;

/// <summary>What is wrong with an entry's key or value, in the words of a malformed-line report; null when nothing is.</summary>
internal static class EntryProblem
{
    /// <summary>The largest value the service takes by default, in bytes of JSON.</summary>
    public const int MaxValueBytes = 1 << 20;

    public static string? OfKey(ReadOnlySpan<char> key) =>
        key.IsEmpty ? "the key is empty"
        : Encoding.UTF8.GetByteCount(key) > Names.MaxKeyBytes ? $"the key has more than {Names.MaxKeyBytes} UTF-8 bytes"
        : null;

    public static string? OfValue(ReadOnlyMemory<byte> json) =>
        json.Length > MaxValueBytes ? $"the value has {json.Length:N0} bytes of JSON; at most {MaxValueBytes:N0} are allowed" : null;
}
