using Drover.ControlPlane.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Drover.Api;

namespace Drover.ControlPlane.Api.Tests;

public sealed class PodLogOptionsTests
{
    private static PodLogOptions Parse(string query) => PodLogOptions.Parse(new QueryCollection(QueryHelpers.ParseQuery(query)));

    [Fact]
    public void Parse_Empty_AllDefaults()
    {
        var options = Parse("");

        Assert.Null(options.Container);
        Assert.False(options.Follow);
        Assert.False(options.Previous);
        Assert.False(options.Timestamps);
        Assert.Null(options.TailLines);
    }

    [Fact]
    public void Parse_Everything_Read()
    {
        var options = Parse("?container=app&follow=true&previous=1&timestamps=True&tailLines=0");

        Assert.Equal("app", options.Container);
        Assert.True(options.Follow);
        Assert.True(options.Previous);
        Assert.True(options.Timestamps);
        Assert.Equal(0, options.TailLines);
    }

    [Fact]
    public void Parse_FalseValues_False()
    {
        var options = Parse("?follow=false&previous=0&timestamps=F");

        Assert.False(options.Follow);
        Assert.False(options.Previous);
        Assert.False(options.Timestamps);
    }

    [Theory]
    [InlineData("?tailLines=abc", "tailLines", "tailLines: Invalid value: \"abc\": must be a whole number")]
    [InlineData("?tailLines=-1", "tailLines", "tailLines: Invalid value: \"-1\": must be greater than or equal to 0")]
    [InlineData("?tailLines=1.5", "tailLines", "tailLines: Invalid value: \"1.5\": must be a whole number")]
    [InlineData("?follow=sometimes", "follow", "follow: Invalid value: \"sometimes\": must be true or false")]
    [InlineData("?sinceSeconds=10", "sinceSeconds", "sinceSeconds: Invalid value: \"10\": is not supported by Drover")]
    [InlineData("?limitBytes=10", "limitBytes", "limitBytes: Invalid value: \"10\": is not supported by Drover")]
    [InlineData("?container=a&container=b", "container", "container: Invalid value: \"a,b\": may be given once")]
    public void Parse_BadValue_400StatusNamingParameterAndValue(string query, string field, string message)
    {
        var e = Assert.Throws<ApiException>(() => Parse(query));

        Assert.Equal(400, e.Status.Code);
        Assert.Equal("BadRequest", e.Status.Reason);
        Assert.Equal(message, e.Status.Message);
        var cause = Assert.Single(e.Status.Details!.Causes!);
        Assert.Equal(field, cause.Field);
        Assert.Equal("FieldValueInvalid", cause.Reason);
    }
}
