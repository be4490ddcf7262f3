using System.Text;
using Optimus.Silo.Api;
using Xunit;

namespace Optimus.Silo.Tests;

/// <summary>A load body's parsing: the entries own their values, so the pooled body can be reused at once.</summary>
public sealed class EntryBodyTests
{
    [Fact]
    public void ParsedValues_ShareNothingWithTheBody_WhichMayBeOverwrittenAtOnce()
    {
        // 700 values of about 100 bytes fill more than one 64 kB chunk of the arena (one ends where the chunk does not
        // have room for it); one of 20 kB gets an array of its own.
        var values = Enumerable.Range(0, 700)
            .Select(i => i == 350 ? $"\"{new string('b', 20_000)}\"" : $"{{ \"n\": {i}, \"pad\": \"{new string('x', 60 + (i % 40))}\" }}")
            .ToList();
        var body = Encoding.UTF8.GetBytes("[" + string.Join(",", values.Select((v, i) => $"{{\"key\":\"k{i}\",\"value\":{v}}}")) + "]");

        var entries = EntryBody.Parse(body, new ApiLimits(), "t").ToList();
        Array.Fill(body, (byte)0xFF);

        Assert.Equal(values.Count, entries.Count);
        Assert.All(entries.Select((e, i) => (e, i)), pair =>
        {
            Assert.Equal(("t", $"k{pair.i}"), (pair.e.Table, pair.e.Entry.Key));
            Assert.Equal(values[pair.i], Encoding.UTF8.GetString(pair.e.Entry.Value.Span));
        });
    }

    [Theory]
    [InlineData(1L << 30, true)]
    [InlineData((1L << 30) + 1, false)]
    [InlineData(1023, false)]
    public void RequestLimit_IsAtMostWhatOneArrayHolds(long bytes, bool valid)
    {
        var problems = ((Optimus.Runtime.IValidatedOptions)new ApiLimits { MaxRequestBytes = bytes }).Validate();
        Assert.Equal(valid, !problems.Any(p => p.Contains("MaxRequestBytes must be between", StringComparison.Ordinal)));
    }
}
