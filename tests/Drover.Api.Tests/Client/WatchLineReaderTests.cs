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

    [Fact]
    public void ParseEvent_DeeplyNestedObject_RefusedAsJson()
    {
        var line = "{\"type\":\"ADDED\",\"object\":" + new string('[', 1000) + new string(']', 1000) + "}";

        Assert.ThrowsAny<System.Text.Json.JsonException>(() => DroverClient.ParseEvent(ResourceTypes.ConfigMaps, Encoding.UTF8.GetBytes(line)));
    }
}
