using System.Runtime.InteropServices;
using Optimus.Grains.Storage;
using Xunit;

namespace Optimus.Grains.Tests;

/// <summary>Values copied into shared chunks: exact copies, chunks no larger than expected or than 64 kB, big values alone.</summary>
public sealed class ValueArenaTests
{
    [Fact]
    public void ValuesWhoseSizeIsKnown_ShareOneArrayOfExactlyTheirSize()
    {
        var values = Enumerable.Range(0, 100).Select(i => Bytes(97 + (i % 7), i)).ToArray();
        var arena = new ValueArena(values.Sum(v => (long)v.Length));

        var copies = values.Select(v => arena.Copy(v)).ToArray();

        var arrays = copies.Select(ArrayOf).Distinct().ToArray();
        var only = Assert.Single(arrays);
        Assert.Equal(values.Sum(v => v.Length), only.Length);
        AssertCopies(values, copies);
    }

    [Fact]
    public void ManyValues_FillChunksOfAtMost64kB_AndAValueOver16kB_GetsAnArrayOfItsOwn()
    {
        var values = Enumerable.Range(0, 1_000).Select(i => Bytes(i % 250 == 0 ? 20_000 : 100 + (i % 200), i)).ToArray();
        var arena = new ValueArena(values.Sum(v => ValueArena.ChunkedBytes(v.Length)));

        var copies = values.Select(v => arena.Copy(v)).ToArray();

        AssertCopies(values, copies);
        var chunks = copies.Where(c => c.Length <= 16 * 1024).Select(ArrayOf).Distinct().ToArray();
        Assert.True(chunks.Length > 1, "more than 64 kB of small values need several chunks");
        Assert.All(chunks, chunk => Assert.True(chunk.Length <= 64 * 1024, $"a chunk of {chunk.Length} bytes"));
        Assert.All(copies.Where(c => c.Length > 16 * 1024), big => Assert.Equal(big.Length, ArrayOf(big).Length));
        var small = values.Where(v => v.Length <= 16 * 1024).ToArray();
        var mostWasted = (chunks.Length - 1) * small.Max(v => v.Length); // a chunk's tail, where the next value did not fit
        Assert.True(chunks.Sum(c => (long)c.Length) <= small.Sum(v => (long)v.Length) + mostWasted,
            $"chunks of {chunks.Sum(c => (long)c.Length)} bytes for {small.Sum(v => (long)v.Length)}: the last holds no more than the bytes still expected");
    }

    [Fact]
    public void TooFewBytesExpected_StillCopiesEveryValue_AndTheCopiesShareNothingWithTheSource()
    {
        var source = Bytes(10_000, 3);
        var arena = new ValueArena(expectedBytes: 10);

        var copies = Enumerable.Range(0, 100).Select(i => arena.Copy(source.AsSpan(i * 100, 100))).ToArray();
        var expected = Enumerable.Range(0, 100).Select(i => source.AsSpan(i * 100, 100).ToArray()).ToArray();
        source.AsSpan().Fill(0xFF);

        AssertCopies(expected, copies);
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] ArrayOf(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) ? segment.Array! : throw new InvalidOperationException("not an array");

    private static void AssertCopies(byte[][] values, ReadOnlyMemory<byte>[] copies)
    {
        Assert.Equal(values.Length, copies.Length);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(values[i].AsSpan().SequenceEqual(copies[i].Span), $"value {i} differs from its copy");
        }
    }
}
