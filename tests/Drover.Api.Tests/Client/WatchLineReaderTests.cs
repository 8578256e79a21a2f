using System.Text;

namespace Drover.Api.Client.Tests;

public class WatchLineReaderTests
{
    private static async Task<List<string>> LinesAsync(string text, int max = 1024)
    {
        var reader = new WatchLineReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), max);
        var lines = new List<string>();
        while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
            lines.Add(Encoding.UTF8.GetString(line.Span));
        return lines;
    }

    [Fact]
    public async Task ReadLineAsync_Lines_SplitOnNewlines()
    {
        Assert.Equal(["a", "", "bc", "d"], await LinesAsync("a\n\nbc\nd"));
    }

    [Fact]
    public async Task ReadLineAsync_LineAcrossChunks_Joined()
    {
        var long1 = new string('x', 40_000);

        Assert.Equal([long1, "y"], await LinesAsync(long1 + "\ny\n", max: 50_000));
    }

    [Fact]
    public async Task ReadLineAsync_EndlessLine_RefusedNamingTheLimit()
    {
        var e = await Assert.ThrowsAsync<ApiClientException>(() => LinesAsync(new string('x', 5000), max: 4096));

        Assert.Contains("MaxWatchEventBytes", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"type\":\"ADDED\",\"object\":{\"a\xF0~Version\":\"v1\"}}")]
    [InlineData("{\"type\":\"ADD\u00BAD\",\"object\":{\"metadata\":{}}}")]
    [InlineData("{\"type\":\"ADDED\",\"object\":{}}")]
    [InlineData("{\"type\":\"ADDED\",\"object\":{\"metadata\":null}}")]
    [InlineData("{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{}}}")]
    [InlineData("{\"type\":3,\"object\":{}}")]
    [InlineData("[1]")]
    public void ParseEvent_MalformedLine_JsonExceptionOnly(string latin1)
    {
        // Found by bench/fuzz (target watch-event): invalid UTF-8 threw InvalidOperationException, shapes KeyNotFoundException.
        var line = Encoding.Latin1.GetBytes(latin1);

        Assert.ThrowsAny<System.Text.Json.JsonException>(() => DroverClient.ParseEvent(ResourceTypes.ConfigMaps, line));
    }

    [Fact]
    public void ParseEvent_DeeplyNestedObject_RefusedAsJson()
    {
        var line = "{\"type\":\"ADDED\",\"object\":" + new string('[', 1000) + new string(']', 1000) + "}";

        Assert.ThrowsAny<System.Text.Json.JsonException>(() => DroverClient.ParseEvent(ResourceTypes.ConfigMaps, Encoding.UTF8.GetBytes(line)));
    }
}
