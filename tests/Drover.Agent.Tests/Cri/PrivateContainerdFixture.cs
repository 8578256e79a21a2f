using Drover.Testing;
using System.Diagnostics;
using Drover.Agent.Cri;

namespace Drover.Agent.Cri.Tests;

/// <summary>
/// A real, private containerd (CRI + CNI bridge drover7, podCIDR 10.88.7.0/24) started through
/// packaging/containerd/run-private.sh and stopped after the tests, leaving the host as it was.
/// Missing containerd, runc or CNI plugins fail the tests with the reason; they are never skipped.
/// </summary>
public sealed class PrivateContainerdFixture : IAsyncLifetime
{
    /// <summary>Apart from the indices other test projects and e2e nodes use.</summary>
    public const int NodeIndex = 7;

    public static readonly string PodCidrPrefix = $"10.88.{NodeIndex}.";

    /// <summary>Pods of this node live under this cgroup parent; run-private.sh stop removes it.</summary>
    public static readonly string CgroupRoot = $"/drover{NodeIndex}";

    private CriClient? _client;

    public string RepoRoot => RepoPaths.Root;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"drover-agent-tests-{Environment.ProcessId}");

    public string SocketPath => Path.Combine(Directory, "containerd.sock");

    internal CriClient Client => _client ?? throw new InvalidOperationException("The private containerd is not running.");

    public async Task InitializeAsync()
    {
        var missing = MissingPrerequisites();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                "The agent's CRI tests need a real containerd and cannot run here; missing: " + string.Join(", ", missing) +
                ". Install them with `./build.sh deps` (Debian: containerd runc containernetworking-plugins busybox-static umoci) and run as root.");
        }

        var (exitCode, output) = await RunScriptAsync("start", Directory, NodeIndex.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (exitCode != 0)
        {
            await RunScriptAsync("stop", Directory);
            throw new InvalidOperationException($"run-private.sh start failed (exit {exitCode}):\n{output}");
        }

        _client = new CriClient(new CriClientOptions { SocketPath = SocketPath });
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        var (exitCode, output) = await RunScriptAsync("stop", Directory);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"run-private.sh stop failed (exit {exitCode}):\n{output}");
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static List<string> MissingPrerequisites()
    {
        var missing = new List<string>();
        foreach (var tool in new[] { "containerd", "containerd-shim-runc-v2", "runc", "ctr", "umoci", "ip" })
        {
            if (!OnPath(tool))
            {
                missing.Add(tool);
            }
        }

        foreach (var plugin in new[] { "bridge", "host-local", "loopback", "portmap" })
        {
            if (!File.Exists(Path.Combine("/usr/lib/cni", plugin)))
            {
                missing.Add("/usr/lib/cni/" + plugin);
            }
        }

        if (!File.Exists("/bin/busybox"))
        {
            missing.Add("/bin/busybox (busybox-static)");
        }

        if (Environment.UserName != "root")
        {
            missing.Add("root (running as " + Environment.UserName + ")");
        }

        return missing;
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin"])
            .Any(dir => File.Exists(Path.Combine(dir, tool)));

    private static Task<(int ExitCode, string Output)> RunScriptAsync(params string[] args) => PrivateContainerdScript.RunAsync(args);
}

[CollectionDefinition(Name)]
public sealed class PrivateContainerdCollection : ICollectionFixture<PrivateContainerdFixture>
{
    public const string Name = "private containerd";
}
