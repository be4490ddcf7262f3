namespace Optimus.Cli.Input;

/// <summary>The input cannot be loaded: too many malformed lines, or a file that cannot be read as its format.</summary>
internal sealed class InputRejectedException(string message) : Exception(message);
