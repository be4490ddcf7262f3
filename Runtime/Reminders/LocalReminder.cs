namespace Optimus.Runtime.Reminders;

/// <summary>A reminder this silo is firing: its row, and the timer set for its next anchored tick.</summary>
internal sealed class LocalReminder(ReminderEntry entry, ITimer timer) : IDisposable
{
    public ReminderEntry Entry { get; } = entry;

    public ITimer Timer { get; } = timer;

    /// <summary>The first tick at or after <paramref name="now"/>: start + n·period; missed ticks are skipped.</summary>
    public static DateTimeOffset NextTick(ReminderEntry entry, DateTimeOffset now)
    {
        if (now <= entry.StartAt)
        {
            return entry.StartAt;
        }

        var periods = (long)Math.Ceiling((now - entry.StartAt).Ticks / (double)entry.Period.Ticks);
        return entry.StartAt + TimeSpan.FromTicks(periods * entry.Period.Ticks);
    }

    /// <summary>The last tick at or before <paramref name="now"/> (the start, before the first one).</summary>
    public static DateTimeOffset LatestTick(ReminderEntry entry, DateTimeOffset now)
    {
        if (now <= entry.StartAt)
        {
            return entry.StartAt;
        }

        var periods = (now - entry.StartAt).Ticks / entry.Period.Ticks;
        return entry.StartAt + TimeSpan.FromTicks(periods * entry.Period.Ticks);
    }

    public void Dispose() => Timer.Dispose();
}
