using System.Globalization;
using System.Text.RegularExpressions;
using Drover.E2E.Cluster.Tests;
using Drover.Api;
using Drover.Testing;

namespace Drover.E2E.PodNetwork.Tests;

/// <summary>
/// Issue 15's service traffic under change, on the multi-host harness: a rolling update of the seed Deployment seen by a
/// client on every host through the Service by name (no failed request), and a node's agent killed with SIGKILL and
/// started again while a client on that node keeps one TCP connection and a stream of new requests going through cluster
/// IPs (nothing breaks; the kernel rules are reconciled in place on its return, not flushed).
/// </summary>
public abstract partial class PodNetworkEndToEndTests
{
    private const string StopFile = "/tmp/drover-test-stop";

    /// <summary>After step 3's other tests (same step, later name), before step 4 scales the seed Deployment down.</summary>
    [Fact]
    [Step(3)]
    public async Task SeedService_V1ToV2RollingUpdate_ClientOnEveryHostByNameSeesNoFailedRequest()
    {
        var clients = await ClientPodsAsync();
        var v1 = (await SeedPodsAsync()).Select(p => p.Metadata.Name!).ToHashSet(StringComparer.Ordinal);
        // One loop per host: wget through the Service by name until the stop file appears (at most 300 s), each answer or FAILED.
        var loops = clients.Select(client => cluster.ExecInPodAsync(client.Status!.PodIP!, TimeSpan.FromMinutes(6), "sh", "-c",
            $"rm -f {StopFile}; end=$(($(date +%s) + 300)); while [ ! -e {StopFile} ] && [ $(date +%s) -lt $end ]; do timeout 5 wget -q -O - http://{SeedManifests.ServiceName}/ || echo FAILED; sleep 0.1; done"))
            .ToList();
        try
        {
            // Some answers from v1 before the update starts.
            await Task.Delay(TimeSpan.FromSeconds(3));
            await DroverOkAsync("set", "image", "deployment/" + SeedManifests.DeploymentName, $"{SeedManifests.ContainerName}={SeedManifests.ImageV2}");
            await DroverOkAsync("rollout", "status", "deployment/" + SeedManifests.DeploymentName, "--timeout", "300s");
            // The old pods' endpoints are gone from every proxy by now; answers from v2 only from here on.
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            foreach (var client in clients)
                await cluster.ExecInPodAsync(client.Status!.PodIP!, "touch", StopFile);
        }
        var v2 = (await SeedPodsAsync()).Select(p => p.Metadata.Name!).ToHashSet(StringComparer.Ordinal);
        Assert.True(v2.Count == 3 && !v2.Overlaps(v1), $"after the rollout: {string.Join(",", v2)}; before: {string.Join(",", v1)}");

        for (var i = 0; i < clients.Count; i++)
        {
            var result = await loops[i];
            var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var answers = lines.Select(l => AnsweringPod().Match(l)).Where(m => m.Success).Select(m => m.Groups["pod"].Value).ToList();
            var failures = lines.Count(l => l.Contains("FAILED", StringComparison.Ordinal));
            var where = $"client {clients[i].Metadata.Name} on {clients[i].Spec.NodeName}";
            Assert.True(result.ExitCode == 0 && answers.Count > 0, $"{where}: exit {result.ExitCode}, {answers.Count} answers: {result.Stderr}");
            Assert.True(failures == 0, $"{where}: {failures} of {lines.Length} requests through http://{SeedManifests.ServiceName}/ failed during the rolling update\n{result.Stdout}{result.Stderr}");
            Assert.All(answers, pod => Assert.True(v1.Contains(pod) || v2.Contains(pod), $"{where}: an answer from {pod}, neither a v1 nor a v2 pod"));
            Assert.True(v1.Contains(answers[0]) && v2.Contains(answers[^1]), $"{where}: first answer from {answers[0]}, last from {answers[^1]}: not v1 then v2");
        }
    }

    /// <summary>
    /// After the node port and load balancer steps (same step, later name), while the seed Service still has its one
    /// endpoint (step 4), before step 7 deletes it. An echo server behind a Service of its own on node-2; the client, a
    /// pod on node-1, keeps one connection to it and a stream of new requests to the seed Service's cluster IP (not by
    /// name: the node's resolver is the agent's too) while node-1's agent is killed, left down and started again.
    /// </summary>
    [Fact]
    [Step(6)]
    public async Task ServiceTraffic_AgentKilledAndRestarted_EstablishedAndNewConnectionsKeepFlowingRulesReconciledInPlace()
    {
        var manifest = Path.Combine(cluster.Directory, "echo.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: echo
              labels:
                app: echo
            spec:
              nodeName: node-2
              containers:
                - name: echo
                  image: my-app:v1.0
                  imagePullPolicy: IfNotPresent
                  command: ["/bin/nc", "-ll", "-p", "4000", "-e", "/bin/cat"]
              terminationGracePeriodSeconds: 1
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: echo
            spec:
              selector:
                app: echo
              ports:
                - port: 4000
                  targetPort: 4000
            """);
        await DroverOkAsync("apply", "-f", manifest);
        var echoIp = await ClusterIpAsync("echo");
        var seedIp = await ClusterIpAsync(SeedManifests.ServiceName);
        var client = (await ClientPodsAsync()).Single(p => p.Spec.NodeName == "node-1");
        var clientIp = client.Status!.PodIP!;
        // The echo Service in node-1's kernel and the echo server answering through it.
        await MultiHostCluster.WaitForAsync($"echo through {echoIp}:4000 from {client.Metadata.Name}", TimeSpan.FromSeconds(90), async () =>
        {
            var probe = await cluster.ExecInPodAsync(clientIp, "sh", "-c", $"echo ping | timeout 5 nc -w 3 {echoIp} 4000");
            return (probe.Stdout.Contains("ping", StringComparison.Ordinal), probe.Stdout + probe.Stderr);
        });
        await cluster.ExecInPodAsync(clientIp, "rm", "-f", StopFile);
        var before = await ProxyChainsAsync(1);
        var fullSyncs = FullSyncs(1);

        // One connection, a line every 200 ms until the stop file (at most 180 s); the generator reports what it sent.
        var stream = cluster.ExecInPodAsync(clientIp, TimeSpan.FromMinutes(5), "sh", "-c",
            $"i=0; (while [ ! -e {StopFile} ] && [ $i -lt 900 ]; do echo line$i; i=$((i + 1)); sleep 0.2; done; echo sent $i >&2; sleep 2) | nc {echoIp} 4000");
        var requests = cluster.ExecInPodAsync(clientIp, TimeSpan.FromMinutes(5), "sh", "-c",
            $"n=0; while [ ! -e {StopFile} ] && [ $n -lt 900 ]; do timeout 5 wget -q -O - http://{seedIp}/ || echo FAILED; n=$((n + 1)); sleep 0.2; done");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            var killed = await MultiHostCluster.RunScriptAsync(TimeSpan.FromSeconds(30), "agent", cluster.Directory, "1", "kill");
            Assert.True(killed.ExitCode == 0, $"multihost.sh agent 1 kill: {killed.Stdout}{killed.Stderr}");
            // Down for a while: the kernel's rules keep serving on their own.
            await Task.Delay(TimeSpan.FromSeconds(5));
            var started = await MultiHostCluster.RunScriptAsync(TimeSpan.FromSeconds(30), "agent", cluster.Directory, "1", "start");
            Assert.True(started.ExitCode == 0, $"multihost.sh agent 1 start: {started.Stdout}{started.Stderr}");
            await MultiHostCluster.WaitForAsync("node-1's agent back and its service proxy's full reconcile done", TimeSpan.FromSeconds(120),
                () => Task.FromResult((FullSyncs(1) > fullSyncs, $"{FullSyncs(1)} full syncs in agent-1.log, {fullSyncs} before the restart")));
            // Traffic after the reconcile too.
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            await cluster.ExecInPodAsync(clientIp, "touch", StopFile);
        }

        var streamed = await stream;
        var sent = SentLines().Match(streamed.Stderr);
        Assert.True(sent.Success, $"the stream's generator did not finish: exit {streamed.ExitCode}: {streamed.Stderr}");
        var count = int.Parse(sent.Groups["n"].Value, CultureInfo.InvariantCulture);
        var echoed = streamed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(count >= 50 && echoed.SequenceEqual(Enumerable.Range(0, count).Select(i => "line" + i.ToString(CultureInfo.InvariantCulture))),
            $"the connection through {echoIp}:4000 across the agent's restart: {count} lines sent, {echoed.Length} echoed (last: {echoed.LastOrDefault()})\n{streamed.Stderr}");
        var loop = await requests;
        var lines = loop.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 20 && lines.All(l => l.Contains("Hello from my-app-", StringComparison.Ordinal)),
            $"new connections to {seedIp}:80 across the agent's restart: {lines.Count(l => l.Contains("FAILED", StringComparison.Ordinal))} of {lines.Length} failed\n{loop.Stdout}{loop.Stderr}");
        // Reconciled, not flushed: the same chains, and the table, its base chains, every service chain and every
        // endpoint chain are the same kernel objects (same handles) as before the kill. Endpoint chains too: the
        // restarted agent keeps its running pods Ready (the status it reported carries over to the new probers), so no
        // endpoint leaves its Service and comes back.
        var after = await ProxyChainsAsync(1);
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        var moved = before.Where(c => after[c.Key] != c.Value).Select(c => $"{c.Key}: handle {c.Value} → {after[c.Key]}").ToList();
        Assert.True(moved.Count == 0, "recreated instead of reconciled in place: " + string.Join(", ", moved));
        await DroverOkAsync("delete", "-f", manifest);
    }

    private async Task<string> ClusterIpAsync(string service)
    {
        using var api = cluster.Client();
        var found = (Service)await api.GetAsync(ResourceTypes.Services, "default", service);
        return found.Spec.ClusterIP ?? throw new InvalidOperationException($"the Service {service} has no cluster IP");
    }

    /// <summary>The proxy table and its chains ("table ip drover-proxy", "chain svc-…") with their kernel handles, on host <paramref name="node"/>.</summary>
    private async Task<Dictionary<string, string>> ProxyChainsAsync(int node)
    {
        var table = await cluster.RunOnHostAsync(node, "nft", "-a", "list", "table", "ip", "drover-proxy");
        Assert.True(table.ExitCode == 0, $"nft list table on host {node}: {table.Stderr}");
        var declarations = TableOrChainDeclaration().Matches(table.Stdout).ToDictionary(m => m.Groups["object"].Value, m => m.Groups["handle"].Value, StringComparer.Ordinal);
        Assert.True(declarations.Count > 5, $"host {node}'s proxy table: {table.Stdout}");
        return declarations;
    }

    /// <summary>The full syncs (the first after each start) node <paramref name="node"/>'s agent logged.</summary>
    private int FullSyncs(int node)
    {
        var log = Path.Combine(cluster.Directory, "logs", $"agent-{node.ToString(CultureInfo.InvariantCulture)}.log");
        using var reader = new StreamReader(new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return Regex.Count(reader.ReadToEnd(), @"service proxy: \d+ service ports in the kernel .*full True");
    }

    [GeneratedRegex(@"(?m)^\s*(?<object>(table ip|chain) \S+) \{ # handle (?<handle>\d+)$")]
    private static partial Regex TableOrChainDeclaration();

    [GeneratedRegex(@"sent (?<n>\d+)")]
    private static partial Regex SentLines();
}
