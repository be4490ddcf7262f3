using Optimus.Runtime.Serialization;
using Xunit;

namespace Optimus.Runtime.Tests;

/// <summary>The reusable write buffer of messages and frames: every byte kept, and a large write's arrays given back.</summary>
public sealed class PooledBufferWriterTests
{
    [Fact]
    public void AWritePastWhatItKeeps_KeepsEveryByte_AndResetLeavesOnlyTheSmallArray()
    {
        var writer = new PooledBufferWriter(16);
        var expected = Write(writer, 300_000, seed: 1);

        Assert.Equal(expected, writer.WrittenSpan.ToArray());

        writer.Reset();
        Assert.Equal(0, writer.WrittenCount);
        Assert.InRange(writer.GetSpan().Length, 1, PooledBufferWriter.KeptBytes); // the rented array went back
        var small = Write(writer, 1_000, seed: 2);
        Assert.Equal(small, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void ALargeWrite_Again_AllocatesNothing()
    {
        var writer = new PooledBufferWriter(256);
        Write(writer, 200_000, seed: 3);
        writer.Reset();
        var chunk = new byte[4096];

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var written = 0; written < 200_000; written += chunk.Length)
        {
            chunk.CopyTo(writer.GetSpan(chunk.Length));
            writer.Advance(chunk.Length);
        }

        writer.Reset();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1_000, $"a second 200 kB write allocated {allocated} bytes"); // the pool's arrays, again
    }

    [Fact]
    public void Advancing_PastTheSpaceAskedFor_IsRefused()
    {
        var writer = new PooledBufferWriter(16);
        var room = writer.GetSpan(10).Length;

        Assert.Throws<InvalidOperationException>(() => writer.Advance(room + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(-1));
        Assert.Equal(0, writer.WrittenCount);
    }

    // Writes `bytes` pseudo-random bytes in pieces of uneven sizes, as a serializer would, and returns them.
    private static byte[] Write(PooledBufferWriter writer, int bytes, int seed)
    {
        var random = new Random(seed);
        var expected = new byte[bytes];
        random.NextBytes(expected);
        for (var at = 0; at < bytes;)
        {
            var piece = Math.Min(random.Next(1, 9_000), bytes - at);
            var span = writer.GetSpan(piece);
            Assert.True(span.Length >= piece);
            expected.AsSpan(at, piece).CopyTo(span);
            writer.Advance(piece);
            at += piece;
        }

        return expected;
    }
}
