using System.Text;
using Xunit;

namespace Optimus.Client.Tests;

/// <summary>What the SDK and the CLI take as one JSON value — the CLI's <c>--values auto</c> stores the rest as strings.</summary>
public sealed class JsonTextTests
{
    [Theory]
    [InlineData("\"x\"")]
    [InlineData(" 1 ")]
    [InlineData("-1.5e3")]
    [InlineData("{\"a\":[1,{\"b\":null}]}")]
    [InlineData("[1,2]")]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("null")]
    [InlineData("\t\"café\"\r\n")]
    public void OneJsonValue_IsAValue(string text) => Assert.True(JsonText.IsValue(Encoding.UTF8.GetBytes(text)));

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("abc")]
    [InlineData("true story")]
    [InlineData("nul")]
    [InlineData("1 2")]
    [InlineData("12abc")]
    [InlineData("{\"a\":}")]
    [InlineData("[1,2")]
    [InlineData("'x'")]
    [InlineData("/* c */ 1")]
    [InlineData("\"unterminated")]
    [InlineData("Infinity")]
    public void AnythingElse_IsNot(string text) => Assert.False(JsonText.IsValue(Encoding.UTF8.GetBytes(text)));
}
