using System.Diagnostics;
using System.Globalization;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.E2E.PodNetwork.Tests;

/// <summary>
/// Three hosts on one machine, each in a network namespace of its own with its own containerd, agent and pod bridge,
/// joined by a LAN bridge; droverd on the LAN's gateway, drover-ingress on host 1, examples/hello.yaml deployed — all
/// by packaging/multihost.sh, the script behind `./build.sh up --nodes 3`. One per backend, shared by its collection.
/// Needs root, containerd, runc, the CNI plugins and iproute2; run under flock /tmp/drover-e2e.lock.
/// </summary>
public abstract class MultiHostCluster : IAsyncLifetime
{
    public const int Nodes = 3;

    private readonly string _backend;
    private readonly int _firstIndex;
    private readonly string _lan;
    private readonly string _lanBridge;
    private readonly string _clusterCidr;

    protected MultiHostCluster(string backend, int firstIndex, string lan, string lanBridge, string clusterCidr)
    {
        _backend = backend;
        _firstIndex = firstIndex;
        _lan = lan;
        _lanBridge = lanBridge;
        _clusterCidr = clusterCidr;
        Directory = System.IO.Directory.CreateTempSubdirectory("drover-multihost-").FullName;
    }

    public string Directory { get; }

    public static string Script => Path.Combine(RepoPaths.Root, "packaging", "multihost.sh");

    /// <summary>Host n (1-based): its index (namespace drover-hINDEX, bridge droverINDEX).</summary>
    public int IndexOf(int node) => _firstIndex + node - 1;

    /// <summary>The ingress's address: host 1's LAN address (port 80).</summary>
    public string IngressAddress => LanAddress(11);

    public string LanAddress(int host) => string.Join('.', _lan.Split('/')[0].Split('.')[..3]) + "." + host.ToString(CultureInfo.InvariantCulture);

    public DroverClient Client() => new(ClientSettings.Load(Path.Combine(Directory, "admin.config")));

    public async Task InitializeAsync()
    {
        var bin = Path.Combine(Directory, "bin");
        System.IO.Directory.CreateDirectory(bin);
        // multihost.sh starts executables: the tests' own builds behind one-line wrappers.
        foreach (var (name, dll) in new[] { ("droverd", RepoPaths.Droverd), ("drover-agent", RepoPaths.Agent), ("drover", RepoPaths.Cli), ("drover-ingress", RepoPaths.Ingress) })
        {
            var path = Path.Combine(bin, name);
            await File.WriteAllTextAsync(path, $"#!/bin/sh\nexec dotnet '{dll}' \"$@\"\n").ConfigureAwait(false);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        var result = await RunScriptAsync(TimeSpan.FromMinutes(12), "up", Directory, "--nodes", Nodes.ToString(CultureInfo.InvariantCulture),
            "--pod-network", _backend, "--bin", bin, "--first-index", _firstIndex.ToString(CultureInfo.InvariantCulture), "--lan", _lan, "--lan-bridge", _lanBridge,
            "--cluster-cidr", _clusterCidr).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            var logs = Logs();
            await DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"multihost.sh up ({_backend}) failed (exit {result.ExitCode}); it needs root, containerd, runc, the CNI plugins and iproute2:\n{result.Stdout}{result.Stderr}\n{logs}");
        }
    }

    public async Task DisposeAsync()
    {
        var result = await RunScriptAsync(TimeSpan.FromMinutes(6), "down", Directory).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"multihost.sh down failed (exit {result.ExitCode}):\n{result.Stdout}{result.Stderr}");
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A mount left busy by a dying shim: the temp folder is only clutter.
        }
    }

    public static Task<CliResult> RunScriptAsync(TimeSpan timeout, params string[] args) =>
        ProcessRunner.RunAsync(ProcessRunner.Command("bash", [Script, .. args]), timeout);

    /// <summary>curl (one request, 5 s at most) from inside the pod with address <paramref name="podIp"/>.</summary>
    public Task<CliResult> CurlFromPodAsync(string podIp, string url) =>
        RunScriptAsync(TimeSpan.FromSeconds(30), "pod-run", Directory, podIp, "curl", "-sS", "-m", "5", url);

    /// <summary>curl from this machine's namespace (the LAN's gateway), e.g. to the ingress.</summary>
    public static Task<CliResult> CurlAsync(string url, string? host = null) =>
        ProcessRunner.RunAsync(ProcessRunner.Command("curl", host is null ? ["-sS", "-m", "5", url] : ["-sS", "-m", "5", "-H", "Host: " + host, url]), TimeSpan.FromSeconds(30));

    /// <summary>A command inside the app container of the pod with address <paramref name="podIp"/> (its files, its resolv.conf), as kubectl exec runs one.</summary>
    public Task<CliResult> ExecInPodAsync(string podIp, params string[] command) => ExecInPodAsync(podIp, TimeSpan.FromSeconds(60), command);

    /// <summary>As <see cref="ExecInPodAsync(string, string[])"/>, for a command that runs longer (a client loop).</summary>
    public Task<CliResult> ExecInPodAsync(string podIp, TimeSpan timeout, params string[] command) =>
        RunScriptAsync(timeout, ["pod-exec", Directory, podIp, .. command]);

    /// <summary>A command in host <paramref name="node"/>'s network namespace (nft, ip).</summary>
    public Task<CliResult> RunOnHostAsync(int node, params string[] command) =>
        RunScriptAsync(TimeSpan.FromSeconds(30), ["run", Directory, IndexOf(node).ToString(CultureInfo.InvariantCulture), .. command]);

    /// <summary>The drover CLI against this cluster (the tests' build, as the harness runs it).</summary>
    public Task<CliResult> DroverAsync(params string[] args) =>
        ProcessRunner.RunAsync(ProcessRunner.Command(Path.Combine(Directory, "bin", "drover"), ["--config", Path.Combine(Directory, "admin.config"), .. args]), TimeSpan.FromMinutes(6));

    public Task<CliResult> SetLinkAsync(int node, bool up) =>
        RunScriptAsync(TimeSpan.FromSeconds(30), "link", Directory, IndexOf(node).ToString(CultureInfo.InvariantCulture), up ? "up" : "down");

    /// <summary>The containers of host <paramref name="node"/>'s containerd running the sample app's image.</summary>
    public async Task<int> AppContainersOnHostAsync(int node)
    {
        var socket = Path.Combine(Directory, "h" + IndexOf(node).ToString(CultureInfo.InvariantCulture), "containerd", "containerd.sock");
        var result = await ProcessRunner.RunAsync(ProcessRunner.Command("ctr", ["-a", socket, "-n", "k8s.io", "containers", "ls"]), TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"ctr containers ls on host {node} failed: {result.Stderr}");
        return result.Stdout.Split('\n').Count(l => l.Contains("drover.local/hello:v1", StringComparison.Ordinal));
    }

    /// <summary>The running pods of the hello Deployment, by node.</summary>
    public async Task<IReadOnlyList<Pod>> HelloPodsAsync()
    {
        using var api = Client();
        var page = await api.ListAsync(ResourceTypes.Pods, "default", labelSelector: "app=hello").ConfigureAwait(false);
        return [.. page.Items.OfType<Pod>().Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Phase == "Running" && !string.IsNullOrEmpty(p.Status.PodIP))];
    }

    /// <summary>Waits for <paramref name="condition"/> (checked every 500 ms) for up to <paramref name="bound"/>; the last state in the failure.</summary>
    public static async Task WaitForAsync(string what, TimeSpan bound, Func<Task<(bool Done, string State)>> condition)
    {
        var clock = Stopwatch.StartNew();
        var state = "";
        while (clock.Elapsed < bound)
        {
            (var done, state) = await condition().ConfigureAwait(false);
            if (done)
                return;
            await Task.Delay(500).ConfigureAwait(false);
        }
        throw new TimeoutException($"{what}: not within {bound.TotalSeconds:0} s; last state: {state}");
    }

    public string Logs()
    {
        var logs = Path.Combine(Directory, "logs");
        if (!System.IO.Directory.Exists(logs))
            return "";
        return string.Join('\n', System.IO.Directory.GetFiles(logs).Order(StringComparer.Ordinal).Select(f =>
            $"---- {Path.GetFileName(f)} (last 30 lines)\n" + string.Join('\n', File.ReadLines(f).TakeLast(30))));
    }
}

/// <summary>The cluster with the host-gw backend (routes via the peers' LAN addresses).</summary>
/// Each cluster has a pod range of its own, not 10.42/16: a stale masquerade rule for 10.42 left in this namespace by an
/// interrupted single-host run cannot touch its traffic.
public sealed class HostGwCluster() : MultiHostCluster("host-gw", 40, "198.51.100.0/24", "drover-lan40", "10.140.0.0/16");

/// <summary>The cluster with the vxlan backend (a kernel VXLAN device, FDB and neighbour entries per peer).</summary>
public sealed class VxlanCluster() : MultiHostCluster("vxlan", 44, "203.0.113.0/24", "drover-lan44", "10.144.0.0/16");
