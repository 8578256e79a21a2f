using System.Text;
using Drover.Cli.Manifests;

namespace Drover.Cli.Manifests.Tests;

/// <summary>`drover apply -f` of a hostile file: an error naming the limit or the bad byte, never a crash or U+FFFD applied.</summary>
public class HostileManifestTests
{
    [Fact]
    public void Load_Nested100000Deep_ErrorNamingMaxDepth()
    {
        // This crashed the CLI (stack overflow in YamlDotNet's node model).
        var yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: " + new string('[', 100_000) + new string(']', 100_000) + "\n";

        var set = ManifestLoader.Load([new ManifestFile("deep.yaml", yaml)], validate: true);

        Assert.Empty(set.Objects);
        Assert.Contains("MaxDepth = 64", Assert.Single(set.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_JsonNested100000Deep_ErrorNamingMaxDepth()
    {
        var json = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"},\"data\":" + new string('[', 100_000) + new string(']', 100_000) + "}";

        var set = ManifestLoader.Load([new ManifestFile("deep.json", json)], validate: true);

        Assert.Empty(set.Objects);
        Assert.Contains("MaxDepth", Assert.Single(set.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FileWithInvalidUtf8_RefusedWithOffset()
    {
        var path = Path.Combine(Path.GetTempPath(), $"drover-bad-{Guid.NewGuid():N}.yaml");
        var bytes = Encoding.UTF8.GetBytes("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: \"ab\"\n");
        bytes[^3] = 0xFF;
        File.WriteAllBytes(path, bytes);
        try
        {
            var e = Assert.Throws<CliException>(() => ManifestFiles.Read([path], recursive: false, TextReader.Null));

            Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
            Assert.Contains($"offset {bytes.Length - 3}", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_StdinWithInvalidUtf8_Refused()
    {
        var stdin = new StreamReader(new MemoryStream([0x61, 0x3A, 0x20, 0xC3, 0x28, 0x0A]), new UTF8Encoding(false, throwOnInvalidBytes: true));

        var e = Assert.Throws<CliException>(() => ManifestFiles.Read(["-"], recursive: false, stdin));

        Assert.Contains("STDIN", e.Message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }
}
