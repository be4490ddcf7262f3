using System.Runtime.InteropServices;

namespace Optimus.Grains.Storage;

/// <summary>Where one entry of a staging log lies: its key and value as byte ranges of the log file.</summary>
[StructLayout(LayoutKind.Auto)] // the two offsets, then the two lengths: 24 bytes, not the 32 of the declared order's padding
internal readonly record struct StagedEntry(long KeyOffset, int KeyLength, long ValueOffset, int ValueLength);
