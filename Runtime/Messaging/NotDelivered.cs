namespace Optimus.Runtime.Messaging;

/// <summary>
/// Marks a failure as "the request never reached a grain": whatever the method does, calling it again is safe. The mark
/// is a string in the exception's data, so it travels with the failure from a silo to its client.
/// </summary>
internal static class NotDelivered
{
    private const string Key = "optimus:not-delivered";

    public static TException Mark<TException>(TException exception) where TException : Exception
    {
        exception.Data[Key] = "true";
        return exception;
    }

    public static bool Is(Exception exception) => exception.Data[Key] is "true";
}
