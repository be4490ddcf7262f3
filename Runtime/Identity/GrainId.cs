using System.Diagnostics.CodeAnalysis;

namespace Optimus.Runtime;

/// <summary>
/// The identity of a grain: its type name and its string key, written <c>type/key</c>.
/// The type never contains '/'; the key may (shard keys such as <c>v1/users/3</c> do).
/// </summary>
public readonly struct GrainId : IEquatable<GrainId>
{
    private const int StackChars = 256;

    /// <summary>Creates a grain id; <paramref name="type"/> must be non-empty and free of '/'.</summary>
    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(key);
        if (type.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"A grain type may not contain '/': '{type}'.", nameof(type));
        }

        Type = type;
        Key = key;
    }

    /// <summary>The grain type name (see <see cref="GrainTypeAttribute"/>).</summary>
    public string Type { get; }

    /// <summary>The grain's key within its type.</summary>
    public string Key { get; }

    /// <summary>True for the default value, which names no grain.</summary>
    public bool IsDefault => Type is null;

    /// <summary>Parses <c>type/key</c>.</summary>
    public static GrainId Parse(string value)
    {
        if (!TryParse(value, out var id))
        {
            throw new FormatException($"'{value}' is not a grain id of the form type/key.");
        }

        return id;
    }

    /// <summary>Parses <c>type/key</c>, returning false for anything else.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out GrainId id)
    {
        var slash = value is null ? -1 : value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            id = default;
            return false;
        }

        id = new GrainId(value![..slash], value[(slash + 1)..]);
        return true;
    }

    /// <summary>A stable 32-bit hash of the id, the same in every process (placement, reminder ranges).</summary>
    public uint GetUniformHashCode()
    {
        // The hash of "type/key", composed on the stack: placement asks for it on every call.
        var length = Type.Length + 1 + Key.Length;
        if (length > StackChars)
        {
            return StableHash.Hash32(ToString());
        }

        Span<char> text = stackalloc char[StackChars];
        Type.CopyTo(text);
        text[Type.Length] = '/';
        Key.CopyTo(text[(Type.Length + 1)..]);
        return unchecked((uint)StableHash.Hash64(text[..length]));
    }

    /// <inheritdoc/>
    public bool Equals(GrainId other) =>
        string.Equals(Type, other.Type, StringComparison.Ordinal) && string.Equals(Key, other.Key, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is GrainId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Type, Key);

    /// <inheritdoc/>
    public override string ToString() => IsDefault ? "(none)" : $"{Type}/{Key}";

    /// <summary>Equality by type and key.</summary>
    public static bool operator ==(GrainId left, GrainId right) => left.Equals(right);

    /// <summary>Inequality by type and key.</summary>
    public static bool operator !=(GrainId left, GrainId right) => !left.Equals(right);
}
