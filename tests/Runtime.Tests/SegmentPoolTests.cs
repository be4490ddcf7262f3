using System.Runtime.InteropServices;
using Optimus.Runtime.Networking;
using Xunit;

namespace Optimus.Runtime.Tests;

/// <summary>The connections' pipe buffers: whole blocks, given back once, and no more kept than the bound.</summary>
public sealed class SegmentPoolTests
{
    [Fact]
    public void Blocks_AreWhole_AndGivenBackOnce()
    {
        using var pool = new SegmentPool();
        var block = pool.Rent(100);
        Assert.Equal(SegmentPool.BlockBytes, block.Memory.Length);
        Assert.Equal(SegmentPool.BlockBytes, pool.MaxBufferSize);

        var array = Array(block);
        block.Dispose();
        block.Dispose(); // a second time gives nothing back twice
        Assert.Throws<ObjectDisposedException>(() => block.Memory);
        using var first = pool.Rent();
        using var second = pool.Rent();
        Assert.Same(array, Array(first));
        Assert.NotSame(array, Array(second));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(SegmentPool.BlockBytes + 1));
    }

    [Fact]
    public void NoMoreBlocks_AreKept_ThanTheBound()
    {
        using var pool = new SegmentPool();
        var first = Rent(pool, SegmentPool.KeptBlocks * 2);
        var arrays = first.Select(Array).ToHashSet();
        Assert.Equal(first.Length, arrays.Count);
        foreach (var block in first)
        {
            block.Dispose();
        }

        var second = Rent(pool, SegmentPool.KeptBlocks * 2);
        var reused = second.Count(block => arrays.Contains(Array(block)));
        foreach (var block in second)
        {
            block.Dispose();
        }

        Assert.Equal(SegmentPool.KeptBlocks, reused); // the shared array pool would have kept them all
    }

    private static System.Buffers.IMemoryOwner<byte>[] Rent(SegmentPool pool, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => pool.Rent())];

    private static byte[] Array(System.Buffers.IMemoryOwner<byte> block) =>
        MemoryMarshal.TryGetArray<byte>(block.Memory, out var segment) ? segment.Array! : throw new InvalidOperationException("not an array");
}
