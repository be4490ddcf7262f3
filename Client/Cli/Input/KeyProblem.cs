using System.Text;
using Optimus.Grains;

namespace Optimus.Cli.Input;

/// <summary>What is wrong with a key, in the words of a malformed-line report; null when nothing is.</summary>
internal static class KeyProblem
{
    public static string? Of(ReadOnlySpan<char> key) =>
        key.IsEmpty ? "the key is empty"
        : Encoding.UTF8.GetByteCount(key) > Names.MaxKeyBytes ? $"the key has more than {Names.MaxKeyBytes} UTF-8 bytes"
        : null;
}
