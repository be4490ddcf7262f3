namespace Optimus.Runtime.Reminders;

/// <summary>
/// A reminder this silo is firing: its row, the tick it is armed for, and the timer. Ticks are start + n·period; the
/// tick reported is the one scheduled (not a reading of the clock), and after a tick the next one is the first of the
/// series that is both later than it and not yet past — ticks missed meanwhile are skipped, none fires twice.
/// </summary>
internal sealed class LocalReminder(ReminderEntry entry) : IDisposable
{
    private ITimer? _timer;

    public ReminderEntry Entry { get; } = entry;

    /// <summary>The tick the timer is armed for.</summary>
    public DateTimeOffset NextTick { get; private set; }

    /// <summary>Arms <paramref name="timer"/> for the first tick at or after <paramref name="now"/>.</summary>
    public void Arm(ITimer timer, DateTimeOffset now)
    {
        _timer = timer;
        SetNext(TickIndexAtOrAfter(now), now);
    }

    /// <summary>Arms the timer for the first tick after <paramref name="previous"/> that is not before <paramref name="now"/>.</summary>
    public void ArmAfter(DateTimeOffset previous, DateTimeOffset now) =>
        SetNext(Math.Max(IndexOf(previous) + 1, TickIndexAtOrAfter(now)), now);

    public void Dispose() => _timer?.Dispose();

    private long IndexOf(DateTimeOffset tick) => (tick - Entry.StartAt).Ticks / Entry.Period.Ticks;

    private long TickIndexAtOrAfter(DateTimeOffset now) =>
        now <= Entry.StartAt ? 0 : (long)Math.Ceiling((now - Entry.StartAt).Ticks / (double)Entry.Period.Ticks);

    private void SetNext(long index, DateTimeOffset now)
    {
        NextTick = Entry.StartAt + TimeSpan.FromTicks(index * Entry.Period.Ticks);
        var due = NextTick - now;
        _timer!.Change(due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }
}
