using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.E2E.Cluster.Tests;

/// <summary>
/// examples/daemonset-collector.yaml applied unchanged, as a user would: one collector pod on every node labelled
/// role=edge that takes it (node-16, and node-34 that joins the cluster later), none on node-17 (first unlabelled, then
/// labelled but tainted); each prints the lines the test writes into the hostPath directory, read back with `drover
/// logs`; the status as `drover get ds` and the real kubectl print it; and the rollout verbs end to end (set image,
/// rollout status, history, undo back to the first template, its ControllerRevision renumbered as Kubernetes does).
/// All nodes of this cluster share the host's file system, so every collector reads the same files; the node name
/// each one prefixes its lines with tells them apart.
/// </summary>
public sealed partial class WorkloadControllersEndToEndTests
{
    private const string Collector = "log-collector";
    private const string CollectorImage = "drover.local/hello:v1";
    private const string EdgeLogDirectory = "/var/log/edge";

    /// <summary>The label a DaemonSet's pods and ControllerRevisions carry: the hash of their template.</summary>
    private const string RevisionHashLabel = "controller-revision-hash";

    /// <summary>A node index apart from every other test's (see packaging/containerd/README.md): the node that joins later.</summary>
    private const int JoiningNodeIndex = 34;

    private static readonly string[] DaemonSetColumns = ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE", "SELECTOR", "AGE"];

    [Fact]
    public async Task Apply_ExampleDaemonSet_OnePodPerEdgeNodeThatTakesItEvenOneThatJoinsLaterEachPrintingTheHostPathsLines()
    {
        const string edge = "node-16", excluded = "node-17";
        var logFile = $"e2e-{Guid.NewGuid():N}"[..10] + ".log";
        var createdDirectory = !Directory.Exists(EdgeLogDirectory);
        Directory.CreateDirectory(EdgeLogDirectory);
        var logPath = Path.Combine(EdgeLogDirectory, logFile);
        await File.WriteAllTextAsync(logPath, "sensor 1 online\n");
        ClusterNode? joined = null;
        Assert.Equal(0, (await Cluster.CliAsync("label", "node", edge, "role=edge")).ExitCode);
        try
        {
            var applied = await Cluster.CliAsync("apply", "-f", Path.Combine(RepoPaths.Examples, "daemonset-collector.yaml"));
            Assert.True(applied.ExitCode == 0, applied.ToString());
            Assert.Equal("daemonset.apps/log-collector created", applied.Stdout.Trim());

            var pods = await WaitForDaemonPodsAsync(CollectorImage, edge);
            var edgePod = pods[edge];
            await WaitForStatusRowAsync("1 1 1 1 1 role=edge");
            await WaitForPodLogAsync(pods[edge], $"{edge} {logFile}: sensor 1 online");
            await File.AppendAllTextAsync(logPath, "temperature 21.5\n");
            await WaitForPodLogAsync(pods[edge], $"{edge} {logFile}: temperature 21.5");

            // Labelled as an edge node too, but tainted: a DaemonSet without the toleration stays off it.
            await SetTaintAsync(excluded, new Taint { Key = "dedicated", Value = "gateway", Effect = "NoSchedule" });
            Assert.Equal(0, (await Cluster.CliAsync("label", "node", excluded, "role=edge")).ExitCode);

            // A device installed later joins labelled role=edge: its collector starts there and reads its files from the start.
            joined = await Cluster.JoinNodeAsync(JoiningNodeIndex, new Dictionary<string, string> { ["role"] = "edge" });
            pods = await WaitForDaemonPodsAsync(CollectorImage, edge, joined.Name);
            Assert.Equal(edgePod.Metadata.Uid, pods[edge].Metadata.Uid);
            await WaitForPodLogAsync(pods[joined.Name], $"{joined.Name} {logFile}: sensor 1 online\n{joined.Name} {logFile}: temperature 21.5");
            await WaitForStatusRowAsync("2 2 2 2 2 role=edge");
            var kubectl = await new Kubectl(Cluster.Droverd.ClientConfigPath).SucceedAsync("get", "ds", Collector);
            Assert.Equal("2 2 2 2 2 role=edge", StatusRow(kubectl));
        }
        finally
        {
            await DeleteCollectorAsync();
            if (joined is not null)
                await Cluster.RemoveNodeAsync(joined);
            await SetTaintAsync(excluded, null);
            await Cluster.CliAsync("label", "node", edge, excluded, "role-");
            File.Delete(logPath);
            if (createdDirectory && !Directory.EnumerateFileSystemEntries(EdgeLogDirectory).Any())
                Directory.Delete(EdgeLogDirectory);
        }
    }

    [Fact]
    public async Task SetImageThenUndo_ExampleDaemonSet_RolloutStatusFollowsAndThePodsRunTheFirstTemplateAgain()
    {
        string[] nodes = ["node-16", "node-17"];
        Assert.Equal(0, (await Cluster.CliAsync("label", "node", nodes[0], nodes[1], "role=edge")).ExitCode);
        var applied = await Cluster.CliAsync("apply", "-f", Path.Combine(RepoPaths.Examples, "daemonset-collector.yaml"));
        Assert.True(applied.ExitCode == 0, applied.ToString());
        try
        {
            var first = await WaitForDaemonPodsAsync(CollectorImage, nodes);
            var firstHash = first[nodes[0]].Metadata.Labels![RevisionHashLabel];
            Assert.Equal(0, (await Cluster.CliAsync("annotate", "ds", Collector, "kubernetes.io/change-cause=collector on my-app:v1.0")).ExitCode);

            var set = await Cluster.CliAsync("set", "image", "ds/" + Collector, "collector=" + SeedManifests.ImageV1);
            Assert.True(set.ExitCode == 0 && set.Stdout.Trim() == "daemonset.apps/log-collector image updated", set.ToString());
            await AssertRolloutStatusAsync(Cluster.CliAsync, "drover");
            var second = await WaitForDaemonPodsAsync(SeedManifests.ImageV1, nodes);
            Assert.All(nodes, n => Assert.NotEqual(first[n].Metadata.Uid, second[n].Metadata.Uid));
            var secondHash = second[nodes[0]].Metadata.Labels![RevisionHashLabel];

            var history = await Cluster.CliAsync("rollout", "history", "ds/" + Collector);
            Assert.Equal(
                "daemonset.apps/log-collector\nREVISION  CHANGE-CAUSE\n1         <none>\n2         collector on my-app:v1.0\n\n",
                history.Stdout);
            var revision1 = await Cluster.CliAsync("rollout", "history", "ds/" + Collector, "--revision=1");
            Assert.True(revision1.ExitCode == 0 && revision1.Stdout.Contains("Image:      " + CollectorImage, StringComparison.Ordinal), revision1.ToString());

            var undo = await Cluster.CliAsync("rollout", "undo", "daemonset/" + Collector);
            Assert.True(undo.ExitCode == 0 && undo.Stdout.Trim() == "daemonset.apps/log-collector rolled back", undo.ToString());
            // The real kubectl follows the same rollout against droverd and prints the same lines.
            var kubectl = new Kubectl(Cluster.Droverd.ClientConfigPath);
            await AssertRolloutStatusAsync(args => kubectl.RunAsync(TimeSpan.FromSeconds(150), args), "kubectl");
            var back = await WaitForDaemonPodsAsync(CollectorImage, nodes);
            Assert.All(nodes, n => Assert.Equal(firstHash, back[n].Metadata.Labels![RevisionHashLabel]));

            // Kubernetes keeps one ControllerRevision per template: the first one's is renumbered as the newest.
            using var api = Cluster.Client();
            var revisions = (await api.ListAsync(ResourceTypes.ControllerRevisions, Ns, "app=" + Collector)).Items
                .OrderBy(r => r.Revision).Select(r => (r.Revision, r.Metadata.Name)).ToList();
            Assert.Equal([(2L, $"{Collector}-{secondHash}"), (3L, $"{Collector}-{firstHash}")], revisions);
            var kubectlHistory = await kubectl.SucceedAsync("rollout", "history", "ds/" + Collector);
            Assert.Equal("daemonset.apps/log-collector \nREVISION  CHANGE-CAUSE\n2         collector on my-app:v1.0\n3         <none>\n\n", kubectlHistory);
            var again = await Cluster.CliAsync("rollout", "undo", "ds/" + Collector, "--to-revision=3");
            Assert.True(again.ExitCode == 0 && again.Stdout.Trim() == "daemonset.apps/log-collector skipped rollback (current template already matches revision 3)", again.ToString());
        }
        finally
        {
            await DeleteCollectorAsync();
            await Cluster.CliAsync("label", "node", nodes[0], nodes[1], "role-");
        }
    }

    /// <summary>
    /// Deletes the DaemonSet and waits until its pods are gone too, not just marked: their agents finish the deletion,
    /// and a node that leaves right after would leave its pod terminating until droverd's pod garbage collector
    /// removes it (40 s after the node's deletion, as Kubernetes' quarantine), in the next test's way meanwhile.
    /// </summary>
    private async Task DeleteCollectorAsync()
    {
        await DeleteAsync(ResourceTypes.DaemonSets, Collector);
        await Cluster.WaitAsync(async api => (await Cluster.ListPodsAsync(api, Ns, "app=" + Collector)).Count == 0, TimeSpan.FromSeconds(60), $"every pod of {Collector} gone");
    }

    /// <summary>
    /// `rollout status ds/log-collector` (drover's or kubectl's) exits 0 with kubectl's last line, every line before it
    /// one of kubectl's DaemonSetStatusViewer's.
    /// </summary>
    private static async Task AssertRolloutStatusAsync(Func<string[], Task<CliResult>> run, string who)
    {
        var status = await run(["rollout", "status", "daemonset/" + Collector, "--timeout=120s"]);
        Assert.True(status.ExitCode == 0, $"{who}: {status}");
        var lines = status.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal($"daemon set \"{Collector}\" successfully rolled out", lines[^1]);
        Assert.All(lines[..^1], line => Assert.Matches(
            "^(Waiting for daemon set spec update to be observed\\.\\.\\.|Waiting for daemon set \"log-collector\" rollout to finish: "
            + "(\\d+ out of 2 new pods have been updated|\\d+ of 2 updated pods are available)\\.\\.\\.)$", line));
    }

    /// <summary>
    /// The collector pods once there is exactly one live, Ready pod running <paramref name="image"/> on each of
    /// <paramref name="nodes"/> and no other (none on a node the DaemonSet does not take, none left of an older template).
    /// </summary>
    private async Task<Dictionary<string, Pod>> WaitForDaemonPodsAsync(string image, params string[] nodes)
    {
        var byNode = new Dictionary<string, Pod>();
        await Cluster.WaitAsync(async api =>
        {
            var pods = await Cluster.ListPodsAsync(api, Ns, "app=" + Collector);
            // An old pod still terminating beside its replacement (rollout status is done once the new one is available).
            if (pods.GroupBy(p => p.Spec.NodeName).Any(g => g.Count() > 1))
                return false;
            byNode = pods.Where(p => p.Spec.NodeName is not null).ToDictionary(p => p.Spec.NodeName!, p => p);
            return pods.Count == nodes.Length && byNode.Count == nodes.Length && nodes.All(byNode.ContainsKey)
                && pods.All(p => p.Metadata.DeletionTimestamp is null && TestCluster.IsReady(p) && p.Spec.Containers[0].Image == image);
        }, TimeSpan.FromSeconds(120), $"one Ready pod of {Collector} running {image} on each of {string.Join(", ", nodes)} and no other");
        return byNode;
    }

    /// <summary>Waits until `drover get ds log-collector` prints DESIRED..AVAILABLE and NODE SELECTOR as <paramref name="row"/>.</summary>
    private async Task WaitForStatusRowAsync(string row)
    {
        var last = "";
        try
        {
            await Cluster.WaitAsync(async _ =>
            {
                var get = await Cluster.CliAsync("get", "ds", Collector);
                last = get.ToString();
                return get.ExitCode == 0 && StatusRow(get.Stdout) == row;
            }, TimeSpan.FromSeconds(60), $"`drover get ds {Collector}` showing {row}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"last output:\n{last}", e);
        }
    }

    /// <summary>The columns DESIRED to NODE SELECTOR of a `get ds` table (kubectl's printDaemonSet), after checking its header.</summary>
    private static string StatusRow(string table)
    {
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(DaemonSetColumns, lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var cells = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Collector, cells[0]);
        return string.Join(' ', cells[1..7]);
    }

    /// <summary>Waits until `drover logs` of <paramref name="pod"/> shows <paramref name="text"/> (a CLI process at most every half second).</summary>
    private async Task WaitForPodLogAsync(Pod pod, string text)
    {
        var last = "";
        try
        {
            await Cluster.WaitAsync(async _ =>
            {
                var logs = await Cluster.CliAsync("logs", pod.Metadata.Name!);
                last = logs.ToString();
                if (logs.ExitCode == 0 && logs.Stdout.Contains(text, StringComparison.Ordinal))
                    return true;
                await Task.Delay(400);
                return false;
            }, TimeSpan.FromSeconds(60), $"\"{text}\" in `drover logs {pod.Metadata.Name}`");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"last output:\n{last}", e);
        }
    }

    /// <summary>Node <paramref name="node"/> with <paramref name="taint"/> added, or with the test's taint removed when null.</summary>
    private async Task SetTaintAsync(string node, Taint? taint)
    {
        using var api = Cluster.Client();
        for (var attempt = 1; ; attempt++)
        {
            var current = (Node)await api.GetAsync(ResourceTypes.Nodes, null, node);
            var others = (current.Spec?.Taints ?? []).Where(t => t.Key != "dedicated").ToList();
            List<Taint> taints = taint is null ? others : [.. others, taint];
            try
            {
                await api.UpdateAsync(ResourceTypes.Nodes, current with { Spec = (current.Spec ?? new NodeSpec()) with { Taints = taints.Count == 0 ? null : taints } });
                return;
            }
            catch (ApiClientException e) when (e.Code == 409 && attempt < 5)
            {
                // The node's controller wrote it in between: read again.
                await Task.Delay(100 * attempt);
            }
        }
    }
}
