using System.Text;
using System.Text.RegularExpressions;

namespace Optimus.Grains;

/// <summary>The rules for dataset and table names and for keys, checked in one place.</summary>
public static partial class Names
{
    /// <summary>The longest key, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>True for a valid dataset or table name: <c>^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$</c>.</summary>
    public static bool IsValid(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>Throws <c>invalid-name</c> unless <paramref name="name"/> is a valid name.</summary>
    public static void CheckName(string? name, string what)
    {
        if (!IsValid(name))
        {
            throw new ProblemException(ProblemCodes.InvalidName,
                $"'{name}' is not a valid {what} name: use 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
    }

    /// <summary>Throws <c>invalid-request</c> unless <paramref name="key"/> is a non-empty string of at most 1,024 UTF-8 bytes.</summary>
    public static void CheckKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ProblemException(ProblemCodes.InvalidRequest, "A key must be a non-empty string.");
        }

        var bytes = Encoding.UTF8.GetByteCount(key);
        if (bytes > MaxKeyBytes)
        {
            throw new ProblemException(ProblemCodes.InvalidRequest, $"A key may have at most {MaxKeyBytes} UTF-8 bytes; one has {bytes}.");
        }
    }

    /// <summary>True for a version id, <c>{dataset}@{number}</c>; anything else names no version.</summary>
    public static bool IsVersionId(string? id) => id is not null && VersionIdPattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}@[1-9][0-9]{0,18}$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionIdPattern();
}
