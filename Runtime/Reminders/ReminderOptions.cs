namespace Optimus.Runtime;

/// <summary>How reminders behave. Bound from the configuration section <c>Optimus:Reminders</c>.</summary>
public sealed class ReminderOptions : IValidatedOptions
{
    /// <summary>The shortest period a reminder may have. Default: 1 minute (reminders are for durable, coarse schedules;
    /// use a grain timer for anything faster).</summary>
    public TimeSpan MinimumReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a silo re-reads the reminder table to pick up reminders changed elsewhere. Default: 5 minutes.</summary>
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromMinutes(5);

    IEnumerable<string> IValidatedOptions.Validate()
    {
        if (MinimumReminderPeriod <= TimeSpan.Zero)
        {
            yield return $"ReminderOptions.MinimumReminderPeriod must be positive; it is {MinimumReminderPeriod}.";
        }

        if (RefreshPeriod <= TimeSpan.Zero)
        {
            yield return $"ReminderOptions.RefreshPeriod must be positive; it is {RefreshPeriod}.";
        }
    }
}
