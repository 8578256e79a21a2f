using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.Agent.Node.Tests;

/// <summary>
/// Certificates and credentials renewed while everything runs, with lifetimes of seconds: a real droverd (its
/// certificates live 15 s, node credentials 20 s with a 4 s overlap), a private containerd (INDEX 45, bridge drover45,
/// podCIDR 10.88.45.0/24) and the real drover-agent process (its serving certificate lives 12 s).
/// </summary>
public sealed class RotationNodeFixture : IAsyncLifetime
{
    public const int NodeIndex = 45;
    public const string NodeName = "rotate-45";
    private DroverdProcess? _droverd;

    public string ContainerdDirectory { get; } = Path.Combine(Path.GetTempPath(), $"drover-rotation-tests-{Environment.ProcessId}");

    public string AgentDataDirectory { get; } = Path.Combine(Path.GetTempPath(), $"drover-rotation-agent-{Environment.ProcessId}");

    public DroverdProcess Droverd => _droverd ?? throw new InvalidOperationException("droverd was not started");

    public async Task InitializeAsync()
    {
        var (exitCode, output) = await PrivateContainerdScript.RunAsync("start", ContainerdDirectory, NodeIndex.ToString(CultureInfo.InvariantCulture));
        if (exitCode != 0)
        {
            await PrivateContainerdScript.RunAsync("stop", ContainerdDirectory);
            throw new InvalidOperationException($"run-private.sh start failed (exit {exitCode}):\n{output}");
        }
        _droverd = await DroverdProcess.StartAsync(null,
            "--cluster-cidr", $"10.88.{NodeIndex}.0/24", "--node-cidr-mask-size", "24",
            "--cluster-signing-duration", "15s", "--node-credential-lifetime", "20s", "--node-credential-overlap", "4s", "--ca-expiry-warning", "876000h");
    }

    /// <summary>The agent as node <see cref="NodeName"/> of <paramref name="droverd"/> (default: the fixture's), its data in <paramref name="dataDirectory"/>.</summary>
    public AgentProcess StartAgent(StringBuilder log, string dataDirectory, DroverdProcess? droverd = null)
    {
        droverd ??= Droverd;
        var token = File.ReadAllText(Path.Combine(droverd.DataDirectory, "credentials", "join-token")).Trim();
        return AgentProcess.Start(
        [
            "--server", $"https://127.0.0.1:{droverd.Port}", "--token", token, "--node-name", NodeName, "--node-ip", "127.0.0.1",
            "--data-dir", dataDirectory, "--containerd-socket", Path.Combine(ContainerdDirectory, "containerd.sock"),
            "--cni-conf-dir", Path.Combine(ContainerdDirectory, "cni", "conf"), "--cni-bridge", $"drover{NodeIndex}", "--cni-ip-masq", "false", "--service-proxy", "false", "--cluster-dns", "off",
            "--metrics-addr", "off", "--serving-addr", "127.0.0.1:0", "--lease-interval", "1s", "--serving-cert-lifetime", "12s",
        ], log);
    }

    /// <summary>A fresh data directory for one test's agent (removed with the fixture).</summary>
    public string NewAgentDataDirectory() => Directory.CreateDirectory(Path.Combine(AgentDataDirectory, Guid.NewGuid().ToString("N")[..8])).FullName;

    public async Task DisposeAsync()
    {
        if (_droverd is not null)
            await _droverd.DisposeAsync();
        if ((await PrivateContainerdScript.RunAsync("status", ContainerdDirectory)).ExitCode != 0 && File.Exists(Path.Combine(ContainerdDirectory, "config.toml")))
            await PrivateContainerdScript.RunAsync("start-daemon", ContainerdDirectory);
        var (exitCode, output) = await PrivateContainerdScript.RunAsync("stop", ContainerdDirectory);
        if (Directory.Exists(ContainerdDirectory))
            Directory.Delete(ContainerdDirectory, recursive: true);
        if (Directory.Exists(AgentDataDirectory))
            Directory.Delete(AgentDataDirectory, recursive: true);
        if (exitCode != 0)
            throw new InvalidOperationException($"run-private.sh stop failed (exit {exitCode}):\n{output}");
    }
}

[Trait("Category", "Process")]
public sealed class RotationProcessTests(RotationNodeFixture node) : IClassFixture<RotationNodeFixture>
{
    private static int Count(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    private static bool Ready(Api.Node n) => n.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>Waits until the agent has renewed its Lease after <paramref name="since"/>: it is back, with a credential droverd takes.</summary>
    private async Task WaitForHeartbeatAsync(DroverClient admin, DateTimeOffset since, AgentProcess agent)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await admin.TryGetAsync(ResourceTypes.Leases, "kube-node-lease", RotationNodeFixture.NodeName) is not Lease { Spec.RenewTime: { } renewed } || renewed <= since)
        {
            Assert.True(DateTime.UtcNow < deadline && !agent.HasExited, $"the agent did not heartbeat again\nagent log:\n{agent.Log}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Agent_KilledAtEachStepOfARenewal_ComesBackWithAWorkingCredential()
    {
        // Crash states, not timing: a droverd of its own whose credentials outlive the agent's slow restarts on a busy host.
        await using var droverd = await DroverdProcess.StartAsync(null,
            "--cluster-cidr", $"10.88.{RotationNodeFixture.NodeIndex}.0/24", "--node-cidr-mask-size", "24", "--node-credential-lifetime", "1h");
        var dataDirectory = node.NewAgentDataDirectory();
        var credentialPath = Path.Combine(dataDirectory, "credentials", "node.config");
        using var admin = droverd.Client();
        var log = new StringBuilder();
        var agent = node.StartAgent(log, dataDirectory, droverd);
        try
        {
            await WaitForHeartbeatAsync(admin, DateTimeOffset.UtcNow, agent);
            await agent.KillAsync();

            // Killed after droverd handed out a renewal, before it reached the disk: the stored credential still works.
            var stored = ClientSettings.Load(credentialPath);
            using (var asOld = droverd.ClientWithToken(stored.Token))
                _ = await NodeCredentialApi.RenewSelfAsync(asOld);
            await agent.DisposeAsync();
            var restarted = DateTimeOffset.UtcNow;
            agent = node.StartAgent(log, dataDirectory, droverd);
            await WaitForHeartbeatAsync(admin, restarted, agent);
            await agent.KillAsync();

            // Killed after storing the renewal, before its first use: the agent starts with it and droverd takes it.
            stored = ClientSettings.Load(credentialPath);
            using (var asStored = droverd.ClientWithToken(stored.Token))
            {
                var renewed = await NodeCredentialApi.RenewSelfAsync(asStored);
                ClientSettings.Write(credentialPath, stored.Server, renewed.Token!, stored.CaPem, "drover", "system:node:" + RotationNodeFixture.NodeName);
            }
            await agent.DisposeAsync();
            restarted = DateTimeOffset.UtcNow;
            agent = node.StartAgent(log, dataDirectory, droverd);
            await WaitForHeartbeatAsync(admin, restarted, agent);

            Assert.DoesNotContain("refuses this node's credential", agent.Log, StringComparison.Ordinal);
            Assert.DoesNotContain("cannot start", agent.Log, StringComparison.Ordinal);
        }
        finally
        {
            await agent.DisposeAsync();
        }
    }

    [Fact]
    public async Task Agent_CredentialAndCertificatesRenewedSeveralTimes_StaysReadyLogsServedOldCredentialRefused()
    {
        var log = new StringBuilder();
        using var admin = node.Droverd.Client();
        var dataDirectory = node.NewAgentDataDirectory();
        await using var agent = node.StartAgent(log, dataDirectory);
        var credentialPath = Path.Combine(dataDirectory, "credentials", "node.config");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await admin.TryGetAsync(ResourceTypes.Nodes, null, RotationNodeFixture.NodeName) is not Api.Node { } registered || !Ready(registered))
        {
            Assert.True(DateTime.UtcNow < deadline && !agent.HasExited, $"the node never became Ready\nagent log:\n{agent.Log}");
            await Task.Delay(200);
        }
        var firstToken = ClientSettings.Load(credentialPath).Token;

        var pod = "rotate-logs-" + Guid.NewGuid().ToString("N")[..6];
        await admin.CreateAsync(ResourceTypes.Pods, new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = pod, Namespace = "default" },
            Spec = new PodSpec { NodeName = RotationNodeFixture.NodeName, TerminationGracePeriodSeconds = 1, Containers = [new Container { Name = "app", Image = "my-app:v1.0" }] },
        });
        try
        {
            await ProcessNodeFixture.WaitForPodAsync(admin, pod, p => p.Status?.Phase == "Running", "Running", () => agent.Log, TimeSpan.FromSeconds(90));

            // Several renewals of everything, watched once a second: the Node stays Ready, and droverd fetches the
            // pod's log through the agent's current certificate (pinned by the hash the Node publishes) every time.
            var notReady = new List<string>();
            var logFailures = new List<string>();
            var pins = new HashSet<string>(StringComparer.Ordinal);
            var tokens = new HashSet<string>(StringComparer.Ordinal) { firstToken };
            deadline = DateTime.UtcNow.AddSeconds(150);
            while (Count(agent.Log, "renewed the node credential") < 3 || Count(agent.Log, "renewed the serving certificate") < 3
                || Count(node.Droverd.Output, "renewed droverd's serving certificate") < 2)
            {
                Assert.True(DateTime.UtcNow < deadline && !agent.HasExited, $"not enough renewals within 150 s\nagent log:\n{agent.Log}\ndroverd:\n{node.Droverd.Output}");
                var current = await admin.GetAsync(ResourceTypes.Nodes, null, RotationNodeFixture.NodeName);
                if (!Ready(current))
                    notReady.Add($"{DateTime.UtcNow:HH:mm:ss.fff}: {string.Join(", ", current.Status?.Conditions?.Select(c => $"{c.Type}={c.Status} {c.Reason}") ?? [])}");
                pins.Add(current.Metadata.Annotations?.GetValueOrDefault(NodeServing.CertificateHashAnnotation) ?? "");
                try
                {
                    await using var body = await admin.GetStreamAsync(DroverClient.PodLogPath("default", pod));
                }
                catch (ApiClientException e)
                {
                    logFailures.Add($"{DateTime.UtcNow:HH:mm:ss.fff}: {e.Message}");
                }
                tokens.Add(ClientSettings.Load(credentialPath).Token);
                await Task.Delay(1000);
            }

            Assert.Empty(notReady);
            Assert.Empty(logFailures);
            Assert.True(tokens.Count >= 3, $"node.config held {tokens.Count} credentials");
            Assert.True(pins.Count >= 3, $"the Node published {pins.Count} pins: {string.Join(" | ", pins)}");
            Assert.DoesNotContain("droverd refuses this node's credential", agent.Log, StringComparison.Ordinal);
            // The credential of the first start ended with the overlap after its successor was used.
            using (var old = node.Droverd.ClientWithToken(firstToken))
                Assert.Equal(401, (await Assert.ThrowsAsync<ApiClientException>(() => old.ListAsync(ResourceTypes.Namespaces, null))).Code);
            using (var current = node.Droverd.ClientWithToken(ClientSettings.Load(credentialPath).Token))
                await current.ListAsync(ResourceTypes.Namespaces, null);
            // What the Node finally pins is what the agent has on disk and serves.
            var published = (await admin.GetAsync(ResourceTypes.Nodes, null, RotationNodeFixture.NodeName)).Metadata.Annotations![NodeServing.CertificateHashAnnotation];
            using var served = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dataDirectory, "credentials", "serving.crt")));
            Assert.Contains(NodeServing.CertificateHash(served), published.Split(','));
        }
        finally
        {
            await admin.DeleteAsync(ResourceTypes.Pods, "default", pod, gracePeriodSeconds: 1);
            for (var end = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < end && await admin.TryGetAsync(ResourceTypes.Pods, "default", pod) is not null;)
                await Task.Delay(200);
            await agent.StopAsync();
        }
    }
}
