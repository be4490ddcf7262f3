using System.Buffers;

namespace Optimus.Runtime.Networking;

/// <summary>
/// The buffers of every connection's pipes in this process: blocks of <see cref="BlockBytes"/>, at most
/// <see cref="KeptBlocks"/> of them kept for reuse. The shared array pool would keep up to 32 such blocks per core and
/// one per thread, several megabytes that a busy minute leaves behind until a full collection trims them; past the
/// bound here, a block is allocated and left to the collector.
/// </summary>
internal sealed class SegmentPool : MemoryPool<byte>
{
    /// <summary>
    /// What one system call reads or writes at most: each segment of a pipe is one send or receive, so at the pipes'
    /// default of 4 kB a 14 kB answer of 100 values took four of each.
    /// </summary>
    public const int BlockBytes = 64 * 1024;

    public const int KeptBlocks = 16;

    private readonly ArrayPool<byte> _blocks = ArrayPool<byte>.Create(BlockBytes, KeptBlocks);

    /// <summary>The one pool of the process's connections.</summary>
    public static new SegmentPool Shared { get; } = new();

    public override int MaxBufferSize => BlockBytes;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockBytes);
        return new Block(_blocks);
    }

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Block(ArrayPool<byte> blocks) : IMemoryOwner<byte>
    {
        private byte[]? _array = blocks.Rent(BlockBytes);

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } array)
            {
                blocks.Return(array);
            }
        }
    }
}
