using System.Runtime.InteropServices;

namespace Optimus.Grains.Storage;

/// <summary>
/// Flushes a directory's entries to disk (fsync on the directory), so that a file or directory just created or renamed
/// in it survives a crash. A file's own fsync is not enough on Linux.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY on Linux

    /// <summary>
    /// Creates <paramref name="directory"/> and any missing parents so that they survive a crash: each new level is
    /// flushed into its parent, top down.
    /// </summary>
    public static void CreateDurably(string directory)
    {
        directory = Path.GetFullPath(directory);
        if (Directory.Exists(directory))
        {
            return;
        }

        var parent = Path.GetDirectoryName(directory)!;
        CreateDurably(parent);
        Directory.CreateDirectory(directory);
        Flush(parent);
    }

    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(directory, ReadOnlyDirectory);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"Flushing directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
