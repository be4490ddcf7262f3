using System.Buffers;
using System.Text;
using System.Text.Json;
using Optimus.Client.Loading;
using Xunit;

namespace Optimus.Client.Tests;

/// <summary>The load body the SDK frames itself: valid JSON, keys escaped where JSON requires it, values exactly as given.</summary>
public sealed class BatchBuilderTests
{
    [Fact]
    public void KeysComeBackAsTheyWere_AndValuesAreTheBytesGiven_WhateverTheyHold()
    {
        string[] keys = ["plain", "a\"quote", "back\\slash", "tab\there", "line\nbreak", "\u0001\u001f", "café", "🙂", "</script>&'+"];
        var builder = new BatchBuilder("t", 3, ArrayPool<byte>.Create());
        for (var i = 0; i < keys.Length; i++)
        {
            builder.Add(Encoding.UTF8.GetBytes(keys[i]), Encoding.UTF8.GetBytes(i % 2 == 0 ? $"{{ \"i\" : {i} }}" : $"\"v{i}\""));
        }

        var batch = builder.Take(0);
        using var body = JsonDocument.Parse(batch.Body);
        var entries = body.RootElement.EnumerateArray().ToList();
        Assert.Equal(keys, entries.Select(e => e.GetProperty("key").GetString()));
        Assert.Equal(keys.Select((_, i) => i % 2 == 0 ? $"{{ \"i\" : {i} }}" : $"\"v{i}\""), entries.Select(e => e.GetProperty("value").GetRawText()));
        Assert.Equal(keys.Length, batch.Count);
        Assert.Equal(0, builder.Bytes);
        batch.Release();
        Assert.Throws<InvalidOperationException>(() => batch.Body);
    }

    [Fact]
    public void ABodyOutgrowingItsArray_KeepsEveryEntry_AndTheNextBatchStartsAfresh_WithItsOwnId()
    {
        var builder = new BatchBuilder("t", 0, ArrayPool<byte>.Create());
        var value = Encoding.UTF8.GetBytes($"\"{new string('x', 10_000)}\"");
        for (var i = 0; i < 50; i++) // half a megabyte: the first array (64 KiB) is outgrown several times
        {
            builder.Add(Encoding.UTF8.GetBytes($"k{i}"), value);
        }

        var first = builder.Take(0);
        builder.Add("k0"u8, value);
        var second = builder.Take(1);

        using (var body = JsonDocument.Parse(first.Body))
        {
            Assert.Equal(Enumerable.Range(0, 50).Select(i => $"k{i}"), body.RootElement.EnumerateArray().Select(e => e.GetProperty("key").GetString()));
            Assert.All(body.RootElement.EnumerateArray(), e => Assert.Equal(10_002, e.GetProperty("value").GetRawText().Length));
        }

        using (var body = JsonDocument.Parse(second.Body))
        {
            Assert.Equal(["k0"], body.RootElement.EnumerateArray().Select(e => e.GetProperty("key").GetString()));
        }

        Assert.NotEqual(first.Id, second.Id);
        Assert.StartsWith("t/0/0/", first.Id, StringComparison.Ordinal);
        Assert.StartsWith("t/0/1/", second.Id, StringComparison.Ordinal);
    }
}
