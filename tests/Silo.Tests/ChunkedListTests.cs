using Optimus.Silo.Api;
using Xunit;

namespace Optimus.Silo.Tests;

/// <summary>The list a load request's entries are parsed into: every item, in order, across its chunks.</summary>
public sealed class ChunkedListTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(ChunkedList<int>.ChunkLength)]
    [InlineData(ChunkedList<int>.ChunkLength + 1)]
    [InlineData((3 * ChunkedList<int>.ChunkLength) - 1)]
    public void Items_ComeBackInOrder_AsOftenAsEnumerated(int count)
    {
        var list = new ChunkedList<int>();
        for (var i = 0; i < count; i++)
        {
            list.Add(i);
        }

        Assert.Equal(count, list.Count);
        Assert.Equal(Enumerable.Range(0, count), list);
        Assert.Equal(Enumerable.Range(0, count), list); // a load splits its entries in two passes
    }
}
