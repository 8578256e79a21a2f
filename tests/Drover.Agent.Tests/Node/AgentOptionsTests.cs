using System.Text;
using System.Diagnostics;
using System.Net;
using Drover.Agent.Configuration;
using Drover.Api;

namespace Drover.Agent.Node.Tests;

[Trait("Category", "Process")]
public sealed class AgentOptionsTests
{
    private static readonly string[] Required = ["--server", "https://10.0.0.1:6443", "--token", "K10x"];

    private static AgentOptions Parse(params string[] extra) => AgentCommandLine.Parse([.. Required, "--node-ip", "10.0.0.5", .. extra]);

    private static string Error(params string[] args) =>
        Assert.Throws<AgentOptionsException>(() => AgentCommandLine.Parse(args)).Message;

    [Fact]
    public void Parse_OnlyRequired_TakesDocumentedDefaults()
    {
        var options = Parse();

        Assert.Equal(new Uri("https://10.0.0.1:6443"), options.Server);
        Assert.Equal("/var/lib/drover/agent", options.DataDirectory);
        Assert.Equal("/run/containerd/containerd.sock", options.ContainerdSocket);
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:9101"), options.MetricsAddress);
        Assert.Equal(IPEndPoint.Parse("0.0.0.0:10250"), options.ServingAddress);
        Assert.Equal(TimeSpan.FromSeconds(10), options.LeaseInterval);
        Assert.Equal(TimeSpan.FromSeconds(60), options.StatusInterval);
        Assert.Equal(Quantity.Parse("100m"), options.ReservedCpu);
        Assert.Equal(Quantity.Parse("256Mi"), options.ReservedMemory);
        Assert.Equal(110, options.MaxPods);
        Assert.Equal("/etc/cni/net.d", options.CniConfDirectory);
        Assert.Equal("/usr/lib/cni", options.CniBinDirectory);
        Assert.Equal("drover0", options.CniBridge);
        Assert.Equal(Dns.GetHostName().ToLowerInvariant(), options.NodeName);
    }

    [Fact]
    public void Parse_LabelsTaintsAndDurations_AreParsed()
    {
        var options = Parse("--labels", "zone=a,tier=edge", "--taints", "dedicated=gpu:NoSchedule,spot:PreferNoSchedule", "--lease-interval", "1m30s", "--status-interval", "500ms");

        Assert.Equal("a", options.Labels["zone"]);
        Assert.Equal("edge", options.Labels["tier"]);
        Assert.Equal([("dedicated", "gpu", "NoSchedule"), ("spot", (string?)null, "PreferNoSchedule")], options.Taints.Select(t => (t.Key, t.Value, t.Effect)));
        Assert.Equal(TimeSpan.FromSeconds(90), options.LeaseInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.StatusInterval);
    }

    [Theory]
    [InlineData(null, 2000)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData("1s", 1000)]
    [InlineData("250ms", 250)]
    public void Parse_TerminationDrainDelay_TwoSecondsByDefaultAndDurationsAccepted(string? value, int milliseconds)
    {
        var options = value is null ? Parse() : Parse("--termination-drain-delay", value);

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), options.TerminationDrainDelay);
    }

    [Theory]
    [InlineData(null, "system")]
    [InlineData("system", "system")]
    [InlineData("off", null)]
    [InlineData("unix:path=/tmp/bus.sock", "unix:path=/tmp/bus.sock")]
    [InlineData("unix:abstract=/tmp/dbus-x", "unix:abstract=/tmp/dbus-x")]
    public void Parse_DBusAddress_SystemOffOrAddress(string? value, string? expected)
    {
        var options = value is null ? Parse() : Parse("--dbus-address", value);

        Assert.Equal(expected, options.DBusAddress);
        Assert.Equal("containerd.service", options.RuntimeUnit);
    }

    [Theory]
    [InlineData(null, 15_000)]
    [InlineData("0s", 0)]
    [InlineData("1s", 1000)]
    public void Parse_ResourceMetricsInterval_FifteenSecondsByDefaultZeroTurnsOff(string? value, int milliseconds)
    {
        var options = value is null ? Parse() : Parse("--resource-metrics-interval", value);

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), options.ResourceMetricsInterval);
    }

    [Theory]
    [InlineData("--resource-metrics-interval", "often", "--resource-metrics-interval: \"often\" is not a duration")]
    [InlineData("--termination-drain-delay", "soon", "--termination-drain-delay: \"soon\" is not a duration")]
    [InlineData("--max-pods", "lots", "--max-pods: \"lots\"")]
    [InlineData("--max-pods", "0", "--max-pods: \"0\"")]
    [InlineData("--lease-interval", "10", "--lease-interval: \"10\" is a bare number, not a duration: write it with a unit (e.g. 10s")]
    [InlineData("--reserved-memory", "256MB", "--reserved-memory: \"256MB\"")]
    [InlineData("--taints", "gpu=yes:Sometimes", "--taints: \"gpu=yes:Sometimes\" has an effect other than")]
    [InlineData("--labels", "novalue", "--labels: \"novalue\" is not key=value")]
    [InlineData("--labels", "node-role.kubernetes.io/control-plane=", "--labels: \"node-role.kubernetes.io/control-plane=\" is not a label a node may set on itself")]
    [InlineData("--labels", "node-restriction.kubernetes.io/pci=true", "--labels: \"node-restriction.kubernetes.io/pci=true\" is not a label a node may set on itself")]
    [InlineData("--metrics-addr", "localhost", "--metrics-addr: \"localhost\"")]
    [InlineData("--metrics-addr", "127.0.0.1:0", "--metrics-addr: \"127.0.0.1:0\"")]
    [InlineData("--serving-addr", "10250", "--serving-addr: \"10250\" is not an address:port")]
    [InlineData("--node-ip", "10.0.0.300", "--node-ip: \"10.0.0.300\"")]
    [InlineData("--node-name", "Edge_1", "--node-name: \"Edge_1\"")]
    [InlineData("--cni-bridge", "a-very-long-bridge-name", "--cni-bridge: \"a-very-long-bridge-name\"")]
    [InlineData("--dbus-address", "/run/dbus/system_bus_socket", "--dbus-address: \"/run/dbus/system_bus_socket\" is not")]
    [InlineData("--dbus-address", "unix:/run/dbus/sock", "--dbus-address: \"unix:/run/dbus/sock\" has no key=value")]
    [InlineData("--runtime-unit", "containerd", "--runtime-unit: \"containerd\" is not a systemd unit name")]
    [InlineData("--image-gc-high-threshold", "101", "--image-gc-high-threshold: \"101\" is not a whole percentage between 0 and 100")]
    [InlineData("--image-gc-high-threshold", "85.5", "--image-gc-high-threshold: \"85.5\" is not a whole percentage")]
    [InlineData("--image-gc-low-threshold", "-1", "--image-gc-low-threshold: \"-1\" is not a whole percentage")]
    [InlineData("--image-gc-low-threshold", "90", "--image-gc-low-threshold: \"90\" is higher than --image-gc-high-threshold (85)")]
    [InlineData("--image-minimum-gc-age", "2", "--image-minimum-gc-age: \"2\" is a bare number, not a duration")]
    [InlineData("--image-gc-period", "0s", "--image-gc-period: \"0s\"")]
    [InlineData("--checkpoint-secrets", "yes", "--checkpoint-secrets: \"yes\" is not true or false")]
    [InlineData("--config-change-detection", "Cache", "--config-change-detection: \"Cache\" is not Watch or Get")]
    public void Parse_BadValue_ErrorNamesFlagAndValue(string flag, string value, string expected)
    {
        var message = Error([.. Required, flag, value]);

        Assert.StartsWith(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }

    [Theory]
    [InlineData("off", null)]
    [InlineData("127.0.0.1:0", "127.0.0.1:0")]
    [InlineData("10.0.0.5:10250", "10.0.0.5:10250")]
    public void Parse_ServingAddr_OffOrAnyPortAccepted(string value, string? expected)
    {
        var options = Parse("--serving-addr", value);

        Assert.Equal(expected is null ? null : IPEndPoint.Parse(expected), options.ServingAddress);
    }

    [Fact]
    public void Parse_ImageGc_KubeletDefaultsAndFlags()
    {
        var defaults = Parse().ImageGc;
        Assert.Equal((85, 80, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), true), (defaults.HighThresholdPercent, defaults.LowThresholdPercent, defaults.MinimumAge, defaults.Period, defaults.Enabled));
        var given = Parse("--image-gc-high-threshold", "90", "--image-gc-low-threshold", "50", "--image-minimum-gc-age", "0s", "--image-gc-period", "30s").ImageGc;
        Assert.Equal((90, 50, TimeSpan.Zero, TimeSpan.FromSeconds(30)), (given.HighThresholdPercent, given.LowThresholdPercent, given.MinimumAge, given.Period));
        Assert.False(Parse("--image-gc-high-threshold", "100").ImageGc.Enabled);
    }

    [Fact]
    public void Parse_ConfigChangeDetection_WatchByDefault_GetFromFlag()
    {
        Assert.True(Parse().WatchReferencedObjects);
        Assert.True(Parse("--config-change-detection", "Watch").WatchReferencedObjects);
        Assert.False(Parse("--config-change-detection", "Get").WatchReferencedObjects);
    }

    [Fact]
    public void Parse_CheckpointSecrets_OffByDefault_TrueFromFlagOrConfigFile()
    {
        Assert.False(Parse().CheckpointSecrets);
        Assert.True(Parse("--checkpoint-secrets", "true").CheckpointSecrets);
        Assert.False(Parse("--checkpoint-secrets", "false").CheckpointSecrets);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "server: https://10.0.0.1:6443\nnode-ip: 10.0.0.5\ncheckpoint-secrets: true\n");
            Assert.True(AgentCommandLine.Parse("--config", path).CheckpointSecrets);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_NoServer_SaysServerIsRequired()
    {
        Assert.StartsWith("--server is required", Error("--token", "t"), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HttpServer_Refused()
    {
        Assert.StartsWith("--server: \"http://10.0.0.1:6443\" is not an https:// URL", Error("--server", "http://10.0.0.1:6443"), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ConfigFile_ValuesApplyAndFlagsWin()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """
                server: https://droverd.local:6443
                token: K10abc
                node-name: edge-7
                node-ip: 192.168.1.7
                max-pods: 20
                labels:
                  zone: north
                taints:
                - dedicated=edge:NoSchedule
                lease-interval: 2s
                cni-ip-masq: false
                """);

            var options = AgentCommandLine.Parse("--config", path, "--max-pods", "30");

            Assert.Equal(new Uri("https://droverd.local:6443"), options.Server);
            Assert.Equal("edge-7", options.NodeName);
            Assert.Equal(IPAddress.Parse("192.168.1.7"), options.NodeIp);
            Assert.Equal(30, options.MaxPods);
            Assert.Equal("north", options.Labels["zone"]);
            Assert.Equal("dedicated", Assert.Single(options.Taints).Key);
            Assert.Equal(TimeSpan.FromSeconds(2), options.LeaseInterval);
            Assert.False(options.CniIpMasq);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_ConfigFileWithUnknownKey_ErrorNamesTheKey()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "server: https://droverd.local:6443\nnode-nmae: edge-7\n");

            var message = Error("--config", path);

            Assert.StartsWith($"--config: \"{path}\": unknown key \"node-nmae\"", message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_ConfigFileBadValue_ErrorNamesFlagAndValue()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "server: https://droverd.local:6443\nmax-pods: many\n");

            Assert.StartsWith("--max-pods: \"many\"", Error("--config", path), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("deep", "MaxDepth = 64")]
    [InlineData("laughs", "exceeds the limit")]
    [InlineData("utf8", "not valid UTF-8")]
    public void Parse_HostileConfigFile_ErrorNamesTheLimit(string kind, string expected)
    {
        var path = Path.GetTempFileName();
        try
        {
            var text = "server: https://droverd.local:6443\nlabels: ";
            var bytes = kind switch
            {
                "deep" => Encoding.UTF8.GetBytes(text + new string('[', 100_000) + new string(']', 100_000) + "\n"),
                "laughs" => Encoding.UTF8.GetBytes(text + "&a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"),
                _ => [.. Encoding.UTF8.GetBytes(text), 0xC3, 0x28, (byte)'\n'],
            };
            File.WriteAllBytes(path, bytes);

            var message = Error("--config", path);

            Assert.StartsWith($"--config: \"{path}\": ", message, StringComparison.Ordinal);
            Assert.Contains(expected, message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Main_BadValue_ExitsTwoWithOneLine()
    {
        var agent = Path.Combine(AppContext.BaseDirectory, "drover-agent.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { agent, "--server", "https://127.0.0.1:1", "--token", "t", "--max-pods", "-3" })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("drover-agent: --max-pods: \"-3\" is not a positive whole number", stderr.Trim());
    }
}
