namespace Optimus.Runtime.Messaging;

/// <summary>The body of a response message: the method's result, or the exception it (or the runtime) raised.</summary>
internal sealed class Response
{
    private Response(object? value, Exception? exception)
    {
        Value = value;
        Exception = exception;
    }

    /// <summary>A completed call with no result.</summary>
    public static Response Empty { get; } = new(null, null);

    public object? Value { get; }

    public Exception? Exception { get; }

    public static Response FromValue(object? value) => value is null ? Empty : new(value, null);

    public static Response FromException(Exception exception) => new(null, exception);
}
