namespace Optimus.Runtime.Serialization;

/// <summary>
/// An exception as it crosses the copy boundary or the wire: its type, message, stack trace, and the entries of its
/// <see cref="Exception.Data"/> whose keys and values are strings (how an application attaches, say, an error code).
/// </summary>
internal sealed record ExceptionInfo(
    string TypeName, string AssemblyName, string Message, string? StackTrace, Dictionary<string, string>? Data = null);
