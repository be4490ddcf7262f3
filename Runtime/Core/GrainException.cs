namespace Optimus.Runtime;

/// <summary>
/// A failure reported by the runtime or by a grain, when the original exception type cannot be recreated on the
/// caller's side; <see cref="OriginalTypeName"/> names it.
/// </summary>
public sealed class GrainException : Exception
{
    /// <summary>Creates the exception with the name of the original exception type and its message.</summary>
    public GrainException(string originalTypeName, string message) : base(message) => OriginalTypeName = originalTypeName;

    /// <summary>Creates the exception with a message.</summary>
    public GrainException(string message) : base(message) => OriginalTypeName = typeof(GrainException).FullName!;

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public GrainException(string message, Exception innerException) : base(message, innerException) =>
        OriginalTypeName = typeof(GrainException).FullName!;

    /// <summary>Creates the exception.</summary>
    public GrainException() => OriginalTypeName = typeof(GrainException).FullName!;

    /// <summary>The full name of the exception type that the grain threw.</summary>
    public string OriginalTypeName { get; }
}
