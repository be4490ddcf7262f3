using System.Text;
using Xunit;

namespace Optimus.Runtime.Tests;

/// <summary>The stable hash against published xxHash64 vectors, and grain ids.</summary>
public sealed class IdentityTests
{
    [Theory]
    [InlineData("", 0xEF46DB3751D8E999UL)]
    [InlineData("a", 0xD24EC4F1A98C6E5BUL)]
    [InlineData("abc", 0x44BC2CF5AD770999UL)]
    [InlineData("Nobody inspects the spammish repetition", 0xFBCEA83C8A378BF1UL)]
    public void StableHash_MatchesXxHash64(string input, ulong expected)
    {
        Assert.Equal(expected, StableHash.Hash64(input));
        Assert.Equal(expected, StableHash.Hash64(Encoding.UTF8.GetBytes(input)));
    }

    [Fact]
    public void StableHash_OfLongInputs_IsTheSameFromStringAndBytes_AndSensitiveToEveryByte()
    {
        var text = string.Concat(Enumerable.Range(0, 300).Select(i => (char)('a' + (i % 26)))) + "ünïcödé";
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.Equal(StableHash.Hash64(bytes), StableHash.Hash64(text));

        var hashes = new HashSet<ulong>();
        for (var i = 0; i < bytes.Length; i++)
        {
            var changed = (byte[])bytes.Clone();
            changed[i] ^= 1;
            hashes.Add(StableHash.Hash64(changed));
        }

        Assert.Equal(bytes.Length, hashes.Count);
    }

    [Fact]
    public void GrainId_ParsesAtTheFirstSlash_SoKeysMayHoldSlashes()
    {
        var id = GrainId.Parse("entryshard/v1/users/3");

        Assert.Equal("entryshard", id.Type);
        Assert.Equal("v1/users/3", id.Key);
        Assert.Equal("entryshard/v1/users/3", id.ToString());
        Assert.Equal(new GrainId("entryshard", "v1/users/3"), id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("noslash")]
    [InlineData("/key")]
    public void GrainId_RefusesWhatIsNotTypeSlashKey(string? text)
    {
        Assert.False(GrainId.TryParse(text, out _));
    }

    [Fact]
    public void GrainId_RefusesATypeWithASlash()
    {
        Assert.Throws<ArgumentException>(() => new GrainId("a/b", "k"));
    }

    [Fact]
    public void GrainId_UniformHash_IsTheStableHashOfItsText()
    {
        var id = new GrainId("dataset", "users");
        Assert.Equal(unchecked((uint)StableHash.Hash64("dataset/users")), id.GetUniformHashCode());

        // Short ids are hashed from the stack, long ones from their text: the same answer either way.
        foreach (var key in new[] { "", "ünïcödé/ключ", new string('k', 254), new string('k', 255), new string('é', 1000) })
        {
            var other = new GrainId("entryshard", key);
            Assert.Equal(StableHash.Hash32(other.ToString()), other.GetUniformHashCode());
        }
    }
}
