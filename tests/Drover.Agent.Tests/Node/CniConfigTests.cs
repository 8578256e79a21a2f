using System.Text.Json;
using Drover.Agent.Network;

namespace Drover.Agent.Node.Tests;

public sealed class CniConfigTests
{
    [Fact]
    public void Render_PodCidr_BridgeHostLocalPortmapLoopback()
    {
        var text = CniConfig.Render("10.42.3.0/24", "drover0", "/var/lib/drover/agent/cni/ipam", ipMasq: true);

        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.Equal("1.0.0", root.GetProperty("cniVersion").GetString());
        Assert.Equal("drover0", root.GetProperty("name").GetString());
        var plugins = root.GetProperty("plugins").EnumerateArray().ToList();
        Assert.Equal(["bridge", "portmap", "loopback"], plugins.Select(p => p.GetProperty("type").GetString()));
        var bridge = plugins[0];
        Assert.Equal("drover0", bridge.GetProperty("bridge").GetString());
        Assert.True(bridge.GetProperty("isGateway").GetBoolean());
        Assert.True(bridge.GetProperty("ipMasq").GetBoolean());
        Assert.True(bridge.GetProperty("hairpinMode").GetBoolean());
        var ipam = bridge.GetProperty("ipam");
        Assert.Equal("host-local", ipam.GetProperty("type").GetString());
        Assert.Equal("/var/lib/drover/agent/cni/ipam", ipam.GetProperty("dataDir").GetString());
        Assert.Equal("10.42.3.0/24", ipam.GetProperty("ranges")[0][0].GetProperty("subnet").GetString());
        Assert.Equal("0.0.0.0/0", ipam.GetProperty("routes")[0].GetProperty("dst").GetString());
        Assert.True(plugins[1].GetProperty("capabilities").GetProperty("portMappings").GetBoolean());
    }

    [Fact]
    public void Write_SameContentTwice_WritesOnceAndLeavesNoTemporaryFile()
    {
        var directory = Directory.CreateTempSubdirectory("drover-cni-test-").FullName;
        try
        {
            var content = CniConfig.Render("10.42.0.0/24", "drover0", "/tmp/ipam", ipMasq: false);

            Assert.True(CniConfig.Write(directory, content));
            Assert.False(CniConfig.Write(directory, content));
            Assert.True(CniConfig.Write(directory, CniConfig.Render("10.42.1.0/24", "drover0", "/tmp/ipam", ipMasq: false)));

            Assert.Equal([CniConfig.FileName], Directory.GetFiles(directory).Select(Path.GetFileName));
            Assert.Contains("10.42.1.0/24", File.ReadAllText(Path.Combine(directory, CniConfig.FileName)), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
