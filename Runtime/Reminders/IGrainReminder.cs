namespace Optimus.Runtime;

/// <summary>A registered reminder, as returned to the grain that owns it.</summary>
public interface IGrainReminder
{
    /// <summary>The reminder's name, unique per grain.</summary>
    string ReminderName { get; }
}
