using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.E2E.Cli.Tests;

/// <summary>`cordon`, `uncordon` and `drain` through the built CLI, on stand-in nodes whose agent the test plays.</summary>
[Trait("Category", "Process")]
public sealed class NodeCliTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverdProcess _server = fixture.Server;
    private readonly DroverClient _client = fixture.Server.Client();

    private async Task<bool> UnschedulableAsync(string node) => (await _client.GetAsync(ResourceTypes.Nodes, null, node)).Spec.Unschedulable == true;

    [Fact]
    public async Task CordonUncordon_StandInNode_TogglesUnschedulable()
    {
        var node = await CliStandIns.NodeAsync(_client);
        var cordon = await CliRunner.RunAsync(_server, "cordon", node);
        Assert.True(cordon.ExitCode == 0, cordon.ToString());
        Assert.Equal($"node/{node} cordoned\n", cordon.Stdout);
        Assert.True(await UnschedulableAsync(node));

        var again = await CliRunner.RunAsync(_server, "cordon", "node/" + node);
        Assert.Equal($"node/{node} already cordoned\n", again.Stdout);

        var uncordon = await CliRunner.RunAsync(_server, "uncordon", node);
        Assert.True(uncordon.ExitCode == 0, uncordon.ToString());
        Assert.Equal($"node/{node} uncordoned\n", uncordon.Stdout);
        Assert.False(await UnschedulableAsync(node));
        Assert.Equal($"node/{node} already uncordoned\n", (await CliRunner.RunAsync(_server, "uncordon", node)).Stdout);
    }

    [Fact]
    public async Task Cordon_MissingNode_NotFoundExitNonZero()
    {
        var result = await CliRunner.RunAsync(_server, "cordon", "no-such-node");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Error from server (NotFound): nodes \"no-such-node\" not found", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_ReplicaSetPodsOnStandInNode_EvictsWaitsForAgentAndDrains()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var node = await CliStandIns.NodeAsync(_client);
        var elsewhere = await CliStandIns.NodeAsync(_client);
        var rs = await CliStandIns.ReplicaSetAsync(_client, ns, "stand-in-web", 3);
        var first = await CliStandIns.BoundPodAsync(_client, ns, "stand-in-web-1", node, rs);
        await CliStandIns.BoundPodAsync(_client, ns, "stand-in-web-2", node, rs);
        await CliStandIns.BoundPodAsync(_client, ns, "stand-in-web-3", elsewhere, rs);
        using var stop = new CancellationTokenSource();
        var kubelet = CliStandIns.KubeletAsync(_client, node, stop.Token);

        var result = await CliRunner.RunAsync(_server, "drain", node, "--grace-period=5", "--timeout=30s");
        await stop.CancelAsync();
        await kubelet;

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"node/{node} cordoned", lines[0]);
        Assert.Contains($"evicting pod {ns}/stand-in-web-1", lines);
        Assert.Contains($"evicting pod {ns}/stand-in-web-2", lines);
        Assert.Contains("pod/stand-in-web-1 evicted", lines);
        Assert.Contains("pod/stand-in-web-2 evicted", lines);
        Assert.Equal($"node/{node} drained", lines[^1]);
        // A pod is reported evicted only after it was asked to go.
        Assert.True(Array.IndexOf(lines, $"evicting pod {ns}/stand-in-web-1") < Array.IndexOf(lines, "pod/stand-in-web-1 evicted"));
        Assert.True(await UnschedulableAsync(node));
        Assert.Null(await _client.TryGetAsync(ResourceTypes.Pods, ns, first.Metadata.Name!));
        Assert.NotNull(await _client.TryGetAsync(ResourceTypes.Pods, ns, "stand-in-web-3"));
    }

    [Fact]
    public async Task Drain_UnmanagedPodWithoutForce_RefusesAndDeletesNothing()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var node = await CliStandIns.NodeAsync(_client);
        var rs = await CliStandIns.ReplicaSetAsync(_client, ns, "stand-in-web", 1);
        await CliStandIns.BoundPodAsync(_client, ns, "stand-in-web-1", node, rs);
        await CliStandIns.BoundPodAsync(_client, ns, "stand-in-bare", node, owner: null);

        var result = await CliRunner.RunAsync(_server, "drain", node);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"node/{node} cordoned\n", result.Stdout);
        Assert.Contains($"error: unable to drain node \"{node}\" due to error: cannot delete Pods declare no controller (use --force to override): {ns}/stand-in-bare, continuing command...", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"There are pending nodes to be drained:\n {node}\n", result.Stderr, StringComparison.Ordinal);
        var pods = await _client.ListAsync(ResourceTypes.Pods, ns);
        Assert.Equal(2, pods.Items.Count);
        Assert.All(pods.Items, p => Assert.Null(p.Metadata.DeletionTimestamp));
    }

    [Fact]
    public async Task Drain_ForceWithAgentNeverFinishing_TimesOutNamingPendingPods()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var node = await CliStandIns.NodeAsync(_client);
        await CliStandIns.BoundPodAsync(_client, ns, "stand-in-bare", node, owner: null);

        var result = await CliRunner.RunAsync(_server, "drain", node, "--force", "--timeout=2s");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"evicting pod {ns}/stand-in-bare", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Warning: deleting Pods that declare no controller: {ns}/stand-in-bare", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"error when waiting for pod \"stand-in-bare\" in namespace \"{ns}\" to terminate: global timeout reached: 2s", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("drained", result.Stdout, StringComparison.Ordinal);
        // Marked for deletion, waiting for an agent that never comes.
        Assert.NotNull((await _client.GetAsync(ResourceTypes.Pods, ns, "stand-in-bare")).Metadata.DeletionTimestamp);
    }
}
