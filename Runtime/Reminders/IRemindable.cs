namespace Optimus.Runtime;

/// <summary>Implemented by grains that register reminders: the runtime calls it at each tick, activating the grain if needed.</summary>
public interface IRemindable : IGrain
{
    /// <summary>A reminder is due. Make it idempotent: around failures a tick can be delivered twice.</summary>
    Task ReceiveReminder(string reminderName, TickStatus status);
}
