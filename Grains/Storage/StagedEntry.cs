namespace Optimus.Grains.Storage;

/// <summary>Where one entry of a staging log lies: its key and value as byte ranges of the log file.</summary>
internal readonly record struct StagedEntry(long KeyOffset, int KeyLength, long ValueOffset, int ValueLength);
