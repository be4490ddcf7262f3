namespace Optimus.Runtime.Reminders;

/// <summary>The handle a grain gets for one of its reminders.</summary>
internal sealed record GrainReminder(GrainId GrainId, string ReminderName, string ETag) : IGrainReminder;
