namespace Optimus.Runtime.Reminders;

/// <summary>The one definition of a ring range <c>(begin, end]</c>, shared by every reminder table.</summary>
internal static class ReminderRange
{
    public static bool Contains(uint rangeStart, uint rangeEnd, uint hash) =>
        rangeStart < rangeEnd ? hash > rangeStart && hash <= rangeEnd : hash > rangeStart || hash <= rangeEnd;
}
