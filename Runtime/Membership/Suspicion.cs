namespace Optimus.Runtime;

/// <summary>One silo's vote that another is dead, and when it was cast. Votes expire.</summary>
public sealed record Suspicion(SiloAddress By, DateTimeOffset At);
