using System.IO.MemoryMappedFiles;

namespace Optimus.Grains.Storage;

/// <summary>A file mapped read-only into memory, read as spans without copying. Empty files map to nothing.</summary>
internal sealed unsafe class MappedFile : IDisposable
{
    /// <summary>
    /// The most of a record that readers of a mapping ask for ahead (<see cref="Prefetch"/>): a longer value's copy is
    /// long enough for the processor's own prefetching to take over.
    /// </summary>
    public const int MaxRecordPrefetchBytes = 4 * CacheLine;

    private const int CacheLine = 64; // the processor's; the mapping starts on a page, so the file's lines are the memory's

    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private byte* _pointer;

    private MappedFile(string path)
    {
        Length = new FileInfo(path).Length;
        if (Length == 0)
        {
            return;
        }

        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref _pointer);
        _pointer += _view.PointerOffset;
    }

    public long Length { get; }

    public static MappedFile Open(string path) => new(path);

    /// <summary>The bytes at <paramref name="offset"/>; the caller has checked that they lie inside the file.</summary>
    public ReadOnlySpan<byte> Span(long offset, int length) => new(_pointer + offset, length);

    /// <summary>
    /// Asks the processor to bring in the cache lines of the <paramref name="length"/> bytes at <paramref name="offset"/>
    /// (which lie inside the file), without waiting for them (x86; elsewhere nothing).
    /// </summary>
    public void Prefetch(long offset, long length)
    {
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported)
        {
            for (var line = offset & ~(long)(CacheLine - 1); line < offset + length; line += CacheLine)
            {
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(_pointer + line);
            }
        }
    }

    /// <summary>Up to <paramref name="maxLength"/> bytes at <paramref name="offset"/>, fewer at the end of the file.</summary>
    public ReadOnlySpan<byte> SpanAt(long offset, int maxLength) => Span(offset, (int)Math.Min(maxLength, Length - offset));

    public void Dispose()
    {
        if (_view is not null && _pointer is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _pointer = null;
        }

        _view?.Dispose();
        _map?.Dispose();
    }
}
