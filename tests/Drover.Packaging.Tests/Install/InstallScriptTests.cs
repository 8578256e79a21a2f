using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Drover.Testing;
using Xunit.Abstractions;

namespace Drover.Packaging.Install.Tests;

/// <summary>
/// Issue 7's installer, run from the release directory `./build.sh publish` assembles, as a user runs it: the checks
/// that stop it before any change, the units it writes (checked by systemd-analyze verify), and the whole flow on
/// real containerd without systemd (this machine has no systemd as PID 1): server with agent and ingress under one
/// --root, a second run that changes nothing, a second node joined with the printed command, the demo app answering
/// through the ingress, and uninstall leaving both roots empty.
/// </summary>
[Trait("Category", "Process")]
public sealed partial class InstallScriptTests(ITestOutputHelper output) : IDisposable
{
    private const int ServerNodeIndex = 21;
    private const int JoinedNodeIndex = 22;
    private const string ClusterCidr = "10.121.0.0/16";
    private readonly string _work = Directory.CreateTempSubdirectory("drover-install-").FullName;

    [Fact]
    public async Task WithoutRoot_StopsBeforeAnyChange_SayingWhy()
    {
        ReleaseDirectory.RequirePublished();
        var root = Path.Combine(_work, "root");
        Directory.CreateDirectory(root);
        var result = await ReleaseDirectory.RunAsync(["server", "--root", root], wrapper: ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]);
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("must run as root", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    [Fact]
    public async Task MissingDependency_StopsBeforeAnyChange_NamingIt()
    {
        ReleaseDirectory.RequirePublished();
        var root = Path.Combine(_work, "root");
        Directory.CreateDirectory(root);
        // A PATH with the basic tools but without containerd and its friends.
        var tools = Path.Combine(_work, "tools");
        Directory.CreateDirectory(tools);
        foreach (var tool in new[] { "bash", "sed", "cat", "id", "dirname", "curl", "setsid", "mkdir", "awk", "grep", "tr", "hostname" })
        {
            var found = new[] { "/usr/bin", "/bin", "/usr/sbin", "/sbin" }.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
            if (found is not null)
                File.CreateSymbolicLink(Path.Combine(tools, tool), found);
        }
        var result = await ReleaseDirectory.RunAsync(["agent", "--root", root, "--server", "https://127.0.0.1:6443", "--token", "K10x"],
            wrapper: ["/usr/bin/env", $"PATH={tools}"]);
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Matches("missing: .*containerd", result.Stderr);
        Assert.Contains("apt-get install", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    [Theory]
    [InlineData("--port", "70000", "--port must be a port number 1-65535, got '70000'")]
    [InlineData("--cluster-cidr", "10.42.0.0", "--cluster-cidr must be an IPv4 CIDR like 10.42.0.0/16, got '10.42.0.0'")]
    [InlineData("--node-name", "Edge_1", "--node-name must be a DNS-1123 name")]
    [InlineData("--frobnicate", "1", "unknown option '--frobnicate' for server")]
    [InlineData("--service-proxy", "yes", "--service-proxy must be true or false, got 'yes'")]
    [InlineData("--cluster-dns", "coredns", "--cluster-dns must be pod-gateway, off or an IPv4 address, got 'coredns'")]
    [InlineData("--checkpoint-secrets", "yes", "--checkpoint-secrets must be true or false, got 'yes'")]
    [InlineData("--datastore-endpoint", "h1:2379", "--datastore-endpoint must be URLs like https://IP:PORT, comma-separated, got 'h1:2379'")]
    [InlineData("--advertise-servers", "https://a:6443,http://b:6443", "--advertise-servers must be https:// URLs")]
    [InlineData("--datastore-cafile", "/nonexistent/ca.pem", "--datastore-cafile needs --datastore-endpoint")]
    [InlineData("--server", "https://127.0.0.1:6443", "server: --server and --token go together")]
    [InlineData("--token", "K10x", "server: --server and --token go together")]
    public async Task BadOption_StopsBeforeAnyChange_NamingTheOptionAndValue(string option, string value, string message)
    {
        ReleaseDirectory.RequirePublished();
        var root = Path.Combine(_work, "root");
        Directory.CreateDirectory(root);
        var result = await ReleaseDirectory.RunAsync(["server", "--root", root, option, value]);
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    [Theory]
    [InlineData("--registry-mirror", "docker.io", "--registry-mirror must look like REGISTRY=URL, got 'docker.io'")]
    [InlineData("--registry-mirror", "docker.io=ftp://mirror.lan", "--registry-mirror: 'ftp://mirror.lan' is not a mirror URL")]
    [InlineData("--registry-mirror", "Docker.IO=https://mirror.lan", "--registry-mirror: 'Docker.IO' is not a registry host")]
    [InlineData("--registry-mirror", "docker.io=https://mirror.lan:70000", "--registry-mirror: port of 'mirror.lan:70000' must be 1-65535")]
    [InlineData("--registry-ca", "mirror.lan:5000", "--registry-ca must look like HOST=FILE, got 'mirror.lan:5000'")]
    [InlineData("--registry-ca", "mirror.lan:5000=/nonexistent/ca.pem", "--registry-ca: cannot read '/nonexistent/ca.pem'")]
    [InlineData("--registry-ca", "mirror.lan:5000=/etc/os-release", "--registry-ca: '/etc/os-release' holds no PEM certificate")]
    public async Task BadRegistryOption_StopsBeforeAnyChange_NamingTheOptionAndValue(string option, string value, string message)
    {
        ReleaseDirectory.RequirePublished();
        var root = Path.Combine(_work, "root");
        Directory.CreateDirectory(root);
        var result = await ReleaseDirectory.RunAsync(["agent", "--root", root, "--server", "https://127.0.0.1:6443", "--token", "K10x", option, value]);
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("install.sh: " + message, result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    [Fact]
    public async Task RegistryOptionWithoutAnAgent_StopsBeforeAnyChange_SayingItConfiguresANode()
    {
        ReleaseDirectory.RequirePublished();
        var root = Path.Combine(_work, "root");
        Directory.CreateDirectory(root);
        var result = await ReleaseDirectory.RunAsync(["server", "--root", root, "--registry-mirror", "docker.io=https://mirror.lan:5000"]);
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("use them with agent or server --with-agent", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    [Fact]
    public async Task ServerJoinWithoutDatastore_StopsBeforeAnyChange_SayingReplicasShareEtcd()
    {
        ReleaseDirectory.RequirePublished();
        var root = Path.Combine(_work, "root");
        Directory.CreateDirectory(root);
        var result = await ReleaseDirectory.RunAsync(["server", "--root", root, "--server", "https://127.0.0.1:6443", "--token", "K10x"]);
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("server --server needs --datastore-endpoint", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    [Fact]
    public async Task AgentWithoutToken_SaysWhereTheTokenIs()
    {
        ReleaseDirectory.RequirePublished();
        var result = await ReleaseDirectory.RunAsync(["agent", "--root", Path.Combine(_work, "root"), "--server", "https://127.0.0.1:6443"]);
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("agent needs --token", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("join-token", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutSystemdAsPid1_SaysSoAndOffersNoSystemd()
    {
        ReleaseDirectory.RequirePublished();
        Assert.False(Directory.Exists("/run/systemd/system"), "this test expects a machine where systemd is not PID 1");
        var result = await ReleaseDirectory.RunAsync(["server"]);
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("systemd is not running as PID 1", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--no-systemd", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists("/etc/drover"), "install.sh created /etc/drover although it refused to install");
    }

    [Fact]
    public async Task ServerWithAgentAndIngress_JoinSecondNode_InstallTwiceChangesNothing_UninstallLeavesNothing()
    {
        ReleaseDirectory.RequirePublished();
        var serverRoot = Path.Combine(_work, "server");
        var agentRoot = Path.Combine(_work, "agent");
        Directory.CreateDirectory(serverRoot);
        Directory.CreateDirectory(agentRoot);
        var apiPort = FreePorts.Next();
        var ingressPort = FreePorts.Next();
        string[] serverArgs =
        [
            // Two nodes in this machine's one network namespace: no VXLAN device, service proxy or pod-gateway resolver
            // of theirs here (the defaults; proven on separate network stacks by the multi-host tests and in nspawn).
            "server", "--root", serverRoot, "--bind-address", "127.0.0.1", "--port", Text(apiPort), "--cluster-cidr", ClusterCidr,
            "--pod-network", "none", "--service-proxy", "false", "--cluster-dns", "off",
            "--with-agent", "--with-ingress", "--ingress-bind-address", "127.0.0.1", "--ingress-http-port", Text(ingressPort), "--ingress-https-port", "0",
            "--ingress-metrics-addr", $"127.0.0.1:{FreePorts.Next()}",
            "--node-index", Text(ServerNodeIndex), "--node-name", "install-server",
            "--agent-metrics-addr", $"127.0.0.1:{FreePorts.Next()}", "--agent-serving-addr", "127.0.0.1:0",
        ];
        var podNames = new List<string>();
        var mirrorCa = EtcdTlsFiles.Create(Directory.CreateDirectory(Path.Combine(_work, "mirror-ca")).FullName);
        try
        {
            var clock = Stopwatch.StartNew();
            var first = await ReleaseDirectory.RunAsync(serverArgs);
            output.WriteLine($"install.sh server: {clock.Elapsed.TotalSeconds:0.0} s\n{first}");
            Assert.True(first.ExitCode == 0, first.ToString());
            var join = JoinCommand().Match(first.Stdout);
            Assert.True(join.Success, "no join command in the output:\n" + first.Stdout);
            Assert.Equal($"https://127.0.0.1:{apiPort}", join.Groups["server"].Value);
            var nodes = await CliAsync(serverRoot, "get", "nodes");
            Assert.Matches(@"install-server +Ready ", nodes);

            // Units are part of an install under --root, and they pass systemd's own checks.
            await VerifyUnitsAsync(serverRoot);

            // A second run with the same options changes no file and restarts no daemon.
            var installed = Snapshot(serverRoot);
            var pids = Pids(serverRoot);
            Assert.Equal(["drover-agent", "drover-ingress", "droverd"], pids.Keys.Order(StringComparer.Ordinal));
            var second = await ReleaseDirectory.RunAsync(serverArgs);
            Assert.True(second.ExitCode == 0, second.ToString());
            Assert.Equal(installed, Snapshot(serverRoot));
            Assert.Equal(pids, Pids(serverRoot));
            Assert.Contains("running (pid", second.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("installed ", second.Stderr, StringComparison.Ordinal);

            // The printed command joins a second node (its own root, containerd and bridge).
            clock.Restart();
            var joined = await ReleaseDirectory.RunAsync(
            [
                "agent", "--root", agentRoot, "--server", join.Groups["server"].Value, "--token", join.Groups["token"].Value,
                "--node-index", Text(JoinedNodeIndex), "--node-name", "install-agent", "--service-proxy", "false", "--cluster-dns", "off",
                "--agent-metrics-addr", $"127.0.0.1:{FreePorts.Next()}", "--agent-serving-addr", "127.0.0.1:0",
                "--registry-mirror", "registry.lan=https://mirror.lan:5000", "--registry-ca", "mirror.lan:5000=" + mirrorCa.CaFile,
                "--checkpoint-secrets", "true",
            ]);
            output.WriteLine($"install.sh agent: {clock.Elapsed.TotalSeconds:0.0} s\n{joined}");
            Assert.True(joined.ExitCode == 0, joined.ToString());
            // Passed through to the agent's configuration (the server's agent, installed without it, keeps the default).
            Assert.Contains("\ncheckpoint-secrets: true\n", await File.ReadAllTextAsync(Path.Combine(agentRoot, "etc", "drover", "agent.yaml")), StringComparison.Ordinal);
            Assert.DoesNotContain("checkpoint-secrets", await File.ReadAllTextAsync(Path.Combine(serverRoot, "etc", "drover", "agent.yaml")), StringComparison.Ordinal);
            // The mirror and its CA went into the node's containerd registry configuration (read per pull).
            var certs = Path.Combine(agentRoot, "var", "lib", "drover", "containerd", "certs.d");
            var hosts = await File.ReadAllTextAsync(Path.Combine(certs, "registry.lan", "hosts.toml"));
            Assert.Contains("server = \"https://registry.lan\"", hosts, StringComparison.Ordinal);
            Assert.Contains("[host.\"https://mirror.lan:5000\"]", hosts, StringComparison.Ordinal);
            Assert.Contains($"ca = \"{certs}/mirror.lan:5000/ca.crt\"", hosts, StringComparison.Ordinal);
            Assert.Equal(await File.ReadAllTextAsync(mirrorCa.CaFile), await File.ReadAllTextAsync(Path.Combine(certs, "mirror.lan:5000", "ca.crt")));
            Assert.Contains($"config_path = \"{certs}\"", await File.ReadAllTextAsync(Path.Combine(agentRoot, "var", "lib", "drover", "containerd", "config.toml")), StringComparison.Ordinal);
            await EventuallyAsync(async () => Regex.IsMatch(await CliAsync(serverRoot, "get", "nodes"), @"install-agent +Ready "), "node install-agent Ready");

            // The demo: examples/hello.yaml of the release, answering through the installed ingress.
            var applied = await CliAsync(serverRoot, "apply", "-f", Path.Combine(ReleaseDirectory.Path, "examples", "hello.yaml"));
            Assert.Contains("deployment.apps/hello created", applied, StringComparison.Ordinal);
            var rollout = await CliAsync(serverRoot, "rollout", "status", "deployment/hello", "--timeout", "120s");
            Assert.Contains("successfully rolled out", rollout, StringComparison.Ordinal);
            using var http = IngressHttp.Client(ingressPort);
            await EventuallyAsync(async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{ingressPort}/");
                request.Headers.Host = "hello.local";
                using var response = await http.SendAsync(request);
                return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Contains("Hello from hello-", StringComparison.Ordinal);
            }, "hello.local through the ingress");
            var pods = await CliAsync(serverRoot, "get", "pods", "-o", "wide");
            output.WriteLine(pods);
            // Addresses from the podCIDRs droverd gave the nodes: the agents wrote the network configuration.
            Assert.Equal(3, Regex.Matches(pods, @" 10\.121\.\d+\.\d+ +install-(server|agent)").Count);
            podNames.AddRange(Regex.Matches(pods, @"^hello-\S+", RegexOptions.Multiline).Select(m => m.Value));
        }
        finally
        {
            var agentGone = await ReleaseDirectory.RunAsync(["uninstall", "--root", agentRoot]);
            var serverGone = await ReleaseDirectory.RunAsync(["uninstall", "--root", serverRoot]);
            output.WriteLine($"uninstall agent: {agentGone}\nuninstall server: {serverGone}");
            Assert.True(agentGone.ExitCode == 0, agentGone.ToString());
            Assert.True(serverGone.ExitCode == 0, serverGone.ToString());
        }
        // Everything it installed is gone, and nothing else was there to keep.
        Assert.Empty(Directory.EnumerateFileSystemEntries(serverRoot));
        Assert.Empty(Directory.EnumerateFileSystemEntries(agentRoot));
        foreach (var bridge in new[] { $"drover{ServerNodeIndex}", $"drover{JoinedNodeIndex}" })
            Assert.False(Directory.Exists($"/sys/class/net/{bridge}"), $"bridge {bridge} left behind");
        Assert.Equal(3, podNames.Count);
        foreach (var pod in podNames)
            Assert.Empty(Directory.EnumerateDirectories("/var/log/pods", $"default_{pod}_*"));
    }

    private static async Task VerifyUnitsAsync(string root)
    {
        var units = Path.Combine(root, "etc", "systemd", "system");
        var agentUnit = await File.ReadAllTextAsync(Path.Combine(units, "drover-agent.service"));
        foreach (var line in new[] { "Type=notify", "WatchdogSec=", "Restart=always", "KillMode=process", "Wants=network-online.target containerd.service" })
            Assert.Contains(line, agentUnit, StringComparison.Ordinal);
        Assert.Matches("After=.*containerd.service", agentUnit);
        Assert.True(File.Exists(Path.Combine(units, "containerd.service.d", "10-drover.conf")));
        var verify = await ProcessRunner.RunAsync(ProcessRunner.Command("systemd-analyze",
            ["verify", .. new[] { "drover-server.service", "drover-agent.service", "drover-ingress.service" }.Select(u => Path.Combine(units, u))]), TimeSpan.FromMinutes(1));
        Assert.True(verify.ExitCode == 0 && !verify.Stderr.Contains("drover", StringComparison.Ordinal), $"systemd-analyze verify: {verify}");
    }

    /// <summary>path → mode and sha256 of every installed file, leaving out what the daemons write themselves.</summary>
    private static SortedDictionary<string, string> Snapshot(string root)
    {
        string[] daemonState = ["var/lib/drover/", "run/drover/", "var/log/drover/"];
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, path);
            if (daemonState.Any(d => (relative + "/").StartsWith(d, StringComparison.Ordinal)))
                continue;
            var info = new FileInfo(path);
            snapshot[relative] = info.LinkTarget is { } target ? "-> " + target
                : Directory.Exists(path) ? "dir " + File.GetUnixFileMode(path)
                : $"{File.GetUnixFileMode(path)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))}";
        }
        return snapshot;
    }

    private static SortedDictionary<string, string> Pids(string root) =>
        new(Directory.EnumerateFiles(Path.Combine(root, "run", "drover"), "*.pid")
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => File.ReadAllText(f).Trim(), StringComparer.Ordinal), StringComparer.Ordinal);

    private static async Task<string> CliAsync(string root, params string[] args)
    {
        var cli = Path.Combine(root, "usr", "local", "bin", "drover");
        var result = await ProcessRunner.RunAsync(ProcessRunner.Command(cli, ["--config", Path.Combine(root, "etc", "drover", "admin.config"), .. args]), TimeSpan.FromMinutes(3));
        Assert.True(result.ExitCode == 0, $"drover {string.Join(' ', args)}: {result}");
        return result.Stdout + result.Stderr;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            try
            {
                if (await condition())
                    return;
            }
            catch (HttpRequestException)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, $"not {what} within 90 s");
            await Task.Delay(250);
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"sudo \./install\.sh agent --server (?<server>https://\S+) --token (?<token>\S+)")]
    private static partial Regex JoinCommand();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
