namespace Optimus.Runtime.Serialization;

/// <summary>An exception as it crosses the copy boundary or the wire: its type, message and stack trace.</summary>
internal sealed record ExceptionInfo(string TypeName, string AssemblyName, string Message, string? StackTrace);
