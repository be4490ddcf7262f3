using System.Collections.Concurrent;
using System.Reflection;
using Optimus.Runtime.Invocation;

namespace Optimus.Runtime.Serialization;

/// <summary>
/// Decides which values a local call may pass by reference: types that cannot change once built. Everything else is
/// copied through the codec, so that two grains never share a mutable object.
/// </summary>
internal static class Immutability
{
    private static readonly ConcurrentDictionary<Type, bool> s_known = new();

    public static bool IsImmutable(Type type) => s_known.GetOrAdd(type, static t => Decide(t));

    private static bool Decide(Type type)
    {
        if (type.IsEnum || type.IsPrimitive || type == typeof(string) || type == typeof(decimal)
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan)
            || type == typeof(Guid) || type == typeof(GrainId) || type == typeof(SiloAddress)
            || type == typeof(ReadOnlyMemory<byte>) || type == typeof(Uri) || type == typeof(CancellationToken))
        {
            return true;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return IsImmutable(underlying);
        }

        // Grain references are immutable handles; declared as their interface.
        if (type.IsInterface && typeof(IAddressable).IsAssignableFrom(type))
        {
            return true;
        }

        // The immutable collections are immutable when what they hold is.
        if (type.IsGenericType && type.Namespace == typeof(System.Collections.Immutable.ImmutableArray).Namespace
            && (type.IsValueType || type.IsSealed))
        {
            return Array.TrueForAll(type.GetGenericArguments(), IsImmutable);
        }

        return typeof(GrainReference).IsAssignableFrom(type) || type.IsDefined(typeof(ImmutableAttribute), inherit: false);
    }
}
