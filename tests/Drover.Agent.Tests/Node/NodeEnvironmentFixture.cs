using System.Diagnostics;
using Drover.Testing;

namespace Drover.Agent.Node.Tests;

/// <summary>
/// A real droverd and a real private containerd (node INDEX 6: bridge drover6, its own root, state, socket and
/// CNI conf dir), shared by the node-side integration tests and removed afterwards. Missing prerequisites
/// fail loudly (run-private.sh names them); nothing is skipped.
/// </summary>
public sealed class NodeEnvironmentFixture : IAsyncLifetime
{
    /// <summary>Apart from the pod-side tests (5) and the CRI tests (7).</summary>
    public const int NodeIndex = 6;

    private DroverdProcess? _droverd;

    public string ContainerdDirectory { get; } = Path.Combine(Path.GetTempPath(), $"drover-node-tests-{Environment.ProcessId}");

    public string SocketPath => Path.Combine(ContainerdDirectory, "containerd.sock");

    /// <summary>containerd's CNI conf_dir: the agent under test writes its conflist here.</summary>
    public string CniConfDirectory => Path.Combine(ContainerdDirectory, "cni", "conf");

    public string Bridge => $"drover{NodeIndex}";

    public DroverdProcess Droverd => _droverd ?? throw new InvalidOperationException("droverd is not running");

    public Uri Server => new($"https://127.0.0.1:{Droverd.Port}");

    public string JoinToken => File.ReadAllText(Path.Combine(Droverd.DataDirectory, "credentials", "join-token")).Trim();

    public async Task InitializeAsync()
    {
        var (exitCode, output) = await RunScriptAsync("start", ContainerdDirectory, NodeIndex.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (exitCode != 0)
        {
            await RunScriptAsync("stop", ContainerdDirectory);
            throw new InvalidOperationException($"run-private.sh start failed (exit {exitCode}):\n{output}");
        }
        _droverd = await DroverdProcess.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_droverd is not null)
            await _droverd.DisposeAsync();
        var (exitCode, output) = await RunScriptAsync("stop", ContainerdDirectory);
        if (Directory.Exists(ContainerdDirectory))
            Directory.Delete(ContainerdDirectory, recursive: true);
        if (exitCode != 0)
            throw new InvalidOperationException($"run-private.sh stop failed (exit {exitCode}):\n{output}");
    }

    private static Task<(int ExitCode, string Output)> RunScriptAsync(params string[] args) => PrivateContainerdScript.RunAsync(args);
}

[CollectionDefinition(Name)]
public sealed class NodeEnvironmentCollection : ICollectionFixture<NodeEnvironmentFixture>
{
    public const string Name = "node environment (droverd + containerd 6)";
}
