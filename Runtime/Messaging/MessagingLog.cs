using Microsoft.Extensions.Logging;

namespace Optimus.Runtime.Messaging;

/// <summary>Log events that more than one hop of the message path writes.</summary>
internal static partial class MessagingLog
{
    [LoggerMessage(EventId = 1050, Level = LogLevel.Information, Message = "Dropped the expired request {Message}.")]
    public static partial void Expired(ILogger logger, Message message);
}
