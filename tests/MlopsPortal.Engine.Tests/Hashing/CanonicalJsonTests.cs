using System.Text.Json.Nodes;
using MlopsPortal.Engine.Hashing;

namespace MlopsPortal.Engine.Tests.Hashing;

public sealed class CanonicalJsonTests
{
    [Fact]
    public void ShouldSortMembersByCodeUnit_WhenObjectsAreNested()
    {
        var json = """{"b":1,"a":{"z":true,"B":null,"a":[3,"x"]},"_":"u"}""";
        CanonicalJson.Serialize(json).ShouldBe("""{"_":"u","a":{"B":null,"a":[3,"x"],"z":true},"b":1}""");
    }

    [Fact]
    public void ShouldGiveTheSameText_WhenOnlyWhitespaceAndOrderDiffer()
    {
        CanonicalJson.Serialize("{ \"x\" : 1 ,\n \"y\":[ 1, 2 ] }")
            .ShouldBe(CanonicalJson.Serialize("{\"y\":[1,2],\"x\":1}"));
    }

    [Theory]
    [InlineData("1.0", "1")]
    [InlineData("-0.5", "-0.5")]
    [InlineData("1e21", "1e+21")]
    [InlineData("1E-7", "1e-7")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("123456789012", "123456789012")]
    [InlineData("0.0000012345678901234567", "0.0000012345678901234567")]
    [InlineData("1234567890123456.7", "1234567890123456.8")]
    [InlineData("9007199254740993", "9007199254740992")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("123e-20", "1.23e-18")]
    [InlineData("4.5e300", "4.5e+300")]
    [InlineData("-1.5e-10", "-1.5e-10")]
    [InlineData("100000000000000000000", "100000000000000000000")]
    public void ShouldWriteNumbersAsEcmaScriptDoes_WhenSerializing(string input, string expected)
    {
        CanonicalJson.Serialize($"[{input}]").ShouldBe($"[{expected}]");
    }

    [Fact]
    public void ShouldEscapeControlCharactersAndQuotes_WhenWritingStrings()
    {
        var node = new JsonObject { ["s"] = "a\"b\\c\n\u0001é€" };
        CanonicalJson.Serialize(node).ShouldBe("{\"s\":\"a\\\"b\\\\c\\n\\u0001é€\"}");
    }

    [Fact]
    public void ShouldSerializeValuesBuiltInCode_WhenNodesAreNotParsed()
    {
        var node = new JsonObject { ["n"] = 42L, ["d"] = 0.25, ["t"] = true, ["s"] = "x" };
        CanonicalJson.Serialize(node).ShouldBe("""{"d":0.25,"n":42,"s":"x","t":true}""");
    }
}

public sealed class Sha256HexTests
{
    [Fact]
    public void ShouldMatchTheKnownDigest_WhenHashingAbc()
    {
        Sha256Hex.Of("abc").ShouldBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", true)]
    [InlineData("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", false)]
    [InlineData("abc", false)]
    public void ShouldAcceptOnlyLowercaseHexOf64_WhenValidating(string hex, bool valid)
    {
        Sha256Hex.IsValid(hex).ShouldBe(valid);
    }
}
