namespace Drover.Api.Tests;

public class SelectorsLabelValidationTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("A")]
    [InlineData("app")]
    [InlineData("my.name")]
    [InlineData("123-abc")]
    [InlineData("My_Name-1.2")]
    [InlineData("example.com/MyName")]
    [InlineData("kubernetes.io/arch")]
    [InlineData("a-b.c-d/e")]
    [InlineData("123456789012345678901234567890123456789012345678901234567890123")]
    public void ValidateKey_Valid_ReturnsNull(string key)
    {
        Assert.Null(LabelValidation.ValidateKey(key));
    }

    [Theory]
    [InlineData("", "name part must be non-empty")]
    [InlineData("-a", "name part must consist of")]
    [InlineData("a-", "name part must consist of")]
    [InlineData("a b", "name part must consist of")]
    [InlineData("a:b", "name part must consist of")]
    [InlineData("é", "name part must consist of")]
    [InlineData("1234567890123456789012345678901234567890123456789012345678901234", "no more than 63")]
    [InlineData("/a", "prefix part must be non-empty")]
    [InlineData("a/", "name part must be non-empty")]
    [InlineData("Example.com/a", "prefix part a lowercase RFC 1123 subdomain")]
    [InlineData("example..com/a", "prefix part a lowercase RFC 1123 subdomain")]
    [InlineData("-example.com/a", "prefix part a lowercase RFC 1123 subdomain")]
    [InlineData("example_com/a", "prefix part a lowercase RFC 1123 subdomain")]
    [InlineData("a/b/c", "optional DNS subdomain prefix")]
    public void ValidateKey_Invalid_NamesKeyAndRule(string key, string fragment)
    {
        string? message = LabelValidation.ValidateKey(key);

        Assert.NotNull(message);
        Assert.StartsWith($"invalid label key \"{key}\": ", message);
        Assert.Contains(fragment, message);
    }

    [Fact]
    public void ValidateKey_PrefixTooLong_Rejected()
    {
        string prefix = string.Join('.', Enumerable.Repeat(new string('a', 63), 4));

        Assert.Contains("no more than 253", LabelValidation.ValidateKey(prefix + "/a"));
    }

    [Fact]
    public void ValidateKey_BadPrefixAndName_ReportsBoth()
    {
        string? message = LabelValidation.ValidateKey("A/-");

        Assert.Contains("prefix part", message);
        Assert.Contains("name part", message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("MyValue")]
    [InlineData("my_value")]
    [InlineData("12345")]
    [InlineData("v1.2-rc_3")]
    [InlineData("123456789012345678901234567890123456789012345678901234567890123")]
    public void ValidateValue_Valid_ReturnsNull(string value)
    {
        Assert.Null(LabelValidation.ValidateValue(value));
    }

    [Theory]
    [InlineData("-a", "a valid label must be an empty string or")]
    [InlineData("a_", "a valid label must be an empty string or")]
    [InlineData("a/b", "a valid label must be an empty string or")]
    [InlineData("a b", "a valid label must be an empty string or")]
    [InlineData("1234567890123456789012345678901234567890123456789012345678901234", "no more than 63")]
    public void ValidateValue_Invalid_NamesValueAndRule(string value, string fragment)
    {
        string? message = LabelValidation.ValidateValue(value);

        Assert.NotNull(message);
        Assert.StartsWith($"invalid label value \"{value}\": ", message);
        Assert.Contains(fragment, message);
    }

    [Fact]
    public void ValidateKey_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => LabelValidation.ValidateKey(null!));
        Assert.Throws<ArgumentNullException>(() => LabelValidation.ValidateValue(null!));
    }
}
