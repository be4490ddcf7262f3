namespace Optimus.Runtime;

/// <summary>What a reminder tick knows: when the reminder first fired, its period, and which tick this is.</summary>
public readonly record struct TickStatus(DateTimeOffset FirstTickTime, TimeSpan Period, DateTimeOffset CurrentTickTime);
