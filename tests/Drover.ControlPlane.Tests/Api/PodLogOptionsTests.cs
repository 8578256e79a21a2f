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
    public void Parse_SinceAndLimit_Read()
    {
        var seconds = Parse("?sinceSeconds=30&limitBytes=1");
        var time = Parse("?sinceTime=2026-01-02T15:04:05.5%2B01:00");

        Assert.Equal(30, seconds.SinceSeconds);
        Assert.Equal(1, seconds.LimitBytes);
        Assert.Null(seconds.SinceTime);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 14, 4, 5, 500, TimeSpan.Zero), time.SinceTime);
    }

    [Fact]
    public void Parse_BothSinces_400AsKubernetes()
    {
        var e = Assert.Throws<ApiException>(() => Parse("?sinceSeconds=5&sinceTime=2026-01-02T15:04:05Z"));

        Assert.Equal(400, e.Status.Code);
        Assert.Equal("Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified", e.Status.Message);
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
    [InlineData("?sinceSeconds=0", "sinceSeconds", "sinceSeconds: Invalid value: \"0\": must be greater than 0")]
    [InlineData("?sinceSeconds=1h", "sinceSeconds", "sinceSeconds: Invalid value: \"1h\": must be a whole number")]
    [InlineData("?sinceSeconds=99999999999999999999", "sinceSeconds", "sinceSeconds: Invalid value: \"99999999999999999999\": must be a whole number")]
    [InlineData("?limitBytes=-3", "limitBytes", "limitBytes: Invalid value: \"-3\": must be greater than 0")]
    [InlineData("?sinceTime=yesterday", "sinceTime", "sinceTime: Invalid value: \"yesterday\": must be an RFC 3339 time, e.g. 2026-01-02T15:04:05Z")]
    [InlineData("?sinceTime=2026-02-30T00:00:00Z", "sinceTime", "sinceTime: Invalid value: \"2026-02-30T00:00:00Z\": must be an RFC 3339 time, e.g. 2026-01-02T15:04:05Z")]
    [InlineData("?stream=Stdout", "stream", "stream: Invalid value: \"Stdout\": is not supported by Drover")]
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
