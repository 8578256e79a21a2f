using System.Diagnostics;
using System.Globalization;
using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.ControlPlane.Leadership.Tests;

/// <summary>
/// The proofs of issue 17 on a real HA cluster (3 etcd members, 3 droverd replicas, default leader-election
/// durations) with one real node: a leader killed with SIGKILL is replaced, its work goes on with no acknowledged write
/// lost, and the node's agent stays Ready through the new leader and runs the pods it makes; etcd
/// keeps taking writes with one member down and refuses them clearly without a majority; a leader cut off from etcd
/// stops acting before another replica starts.
/// </summary>
[Trait("Category", "Process")]
[Collection(HaClusterCollection.Name)]
public sealed class HighAvailabilityTests(HaClusterFixture fixture)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private HaCluster Ha => fixture.Cluster;

    [Fact]
    public async Task Leader_KilledHard_AnotherLeadsReconcilesAndNoAcknowledgedWriteIsLost()
    {
        using var client = Ha.Client(TimeSpan.FromSeconds(10));
        var leader = await WaitForLeaderAsync(client, notThis: -1);
        await CreateDeploymentAsync(client, "failover-web", replicas: 1);
        await WaitForPodsAsync(client, "failover-web", 1);

        // Both start on the replica about to be killed: the watch must resume elsewhere and the writes fail over.
        await using var watcher = new LedgerWatcher(Ha.SettingsStartingAt(leader), "ledger-a");
        await using var load = new WriteLedger(Ha.SettingsStartingAt(leader), "ledger-a");
        await WaitUntilAsync(() => load.Acknowledged.Count >= 20, "the write load to start");

        var clock = Stopwatch.StartNew();
        var killedAt = DateTime.UtcNow;
        Ha.Replicas[leader].KillHard();
        var next = await WaitForLeaderAsync(client, notThis: leader);
        var failover = clock.Elapsed;
        await WaitUntilAsync(() => load.FirstAcknowledgedAfter(killedAt) is not null, "a write acknowledged after the kill");
        var firstWrite = load.FirstAcknowledgedAfter(killedAt)!.Value - killedAt;

        // Scaled right after the failover: only the new leader's controllers can make the pods, and the agent (whose
        // server was the killed replica when that was replica 0) must get them from another replica and run them.
        await client.PatchScaleAsync(ResourceTypes.Deployments, "default", "failover-web", 3);
        await WaitForPodsAsync(client, "failover-web", 3, running: true);

        // The agent stays Ready through the new leader: its heartbeat reaches a surviving replica, and the new leader's
        // node lifecycle controller, watching for a whole grace period (15 s here) and more, never finds it silent.
        await AssertNodeStaysReadyAsync(client, killedAt, "the leader's SIGKILL");
        var acknowledgedAtKill = load.Acknowledged.Count;
        await WaitUntilAsync(() => load.Acknowledged.Count >= acknowledgedAtKill + 20, "writes to go on after the failover");
        await load.StopAsync();

        var stored = (await client.ListAsync(ResourceTypes.ConfigMaps, "default")).Items.Select(i => i.Metadata.Name!).ToHashSet(StringComparer.Ordinal);
        var lost = load.Acknowledged.Where(name => !stored.Contains(name)).ToList();
        Assert.True(lost.Count == 0, $"acknowledged but lost: {string.Join(", ", lost)}");
        await WaitUntilAsync(() => load.Acknowledged.All(watcher.Seen.ContainsKey), "the watcher to have seen every acknowledged write");
        Assert.NotEqual(leader, next);
        Assert.True(watcher.Resumes >= 1, "the watch on the killed replica never broke, so it proves nothing");
        Assert.True(failover < TimeSpan.FromSeconds(20), $"failover took {failover.TotalSeconds:0.0} s");
        Console.WriteLine($"HA failover: replica {next} leads {failover.TotalSeconds:0.00} s after SIGKILL of replica {leader} (a write acknowledged {firstWrite.TotalSeconds:0.00} s after); " +
            $"{load.Acknowledged.Count} writes acknowledged, {load.Failed} failed (ambiguous or refused, not counted), watcher resumed {watcher.Resumes}x, relisted {watcher.Relists}x");

        await Ha.Replicas[leader].StartAgainAsync();
    }

    [Fact]
    public async Task AgentsFirstServer_KilledHard_AgentFailsOverStaysReadyAndRunsNewPods()
    {
        // The agent was given the replicas in order, so replica 0 is the one its heartbeats, watches and status writes
        // go to; whether it leads or not, losing it must move all of them to another replica.
        const int first = 0;
        using var client = Ha.Client(TimeSpan.FromSeconds(10));
        var leaderBefore = await WaitForLeaderAsync(client, notThis: -1);
        await CreateDeploymentAsync(client, "agent-failover", replicas: 1);
        await WaitForPodsAsync(client, "agent-failover", 1, running: true);

        var killedAt = DateTime.UtcNow;
        Ha.Replicas[first].KillHard();
        await WaitForLeaderAsync(client, notThis: first);

        // A pod created after the kill reaches the agent only through a watch re-opened on another replica, and its
        // Running status only through a status write sent there.
        await client.PatchScaleAsync(ResourceTypes.Deployments, "default", "agent-failover", 2);
        await WaitForPodsAsync(client, "agent-failover", 2, running: true);
        await AssertNodeStaysReadyAsync(client, killedAt, $"the SIGKILL of replica {first}, the agent's first server");
        Console.WriteLine($"HA agent failover: replica {first} (leader before: {leaderBefore}) killed; the agent kept its node Ready and ran the new pod through another replica");

        await Ha.Replicas[first].StartAgainAsync();
        await client.DeleteAsync(ResourceTypes.Deployments, "default", "agent-failover");
    }

    [Fact]
    public async Task EtcdMembers_OneDown_WritesContinue_TwoDown_503WithReasonThenResumeWithNothingLost()
    {
        using var client = Ha.Client(TimeSpan.FromSeconds(20));
        var acknowledged = new List<string>();
        try
        {
            await Ha.Etcd.KillMemberAsync(2);
            var failed = 0;
            for (var i = 0; i < 20; i++)
            {
                try
                {
                    acknowledged.Add((await CreateConfigMapAsync(client, $"quorum-{i:D2}")).Metadata.Name!);
                }
                catch (ApiClientException)
                {
                    failed++;
                }
            }
            Assert.True(failed <= 2, $"{failed} of 20 writes failed with one etcd member of three down");

            await Ha.Etcd.KillMemberAsync(1);
            ApiClientException? refused = null;
            for (var attempt = 0; attempt < 5 && refused?.Message.Contains("majority", StringComparison.Ordinal) != true; attempt++)
                refused = await Assert.ThrowsAsync<ApiClientException>(() => CreateConfigMapAsync(client, $"quorum-none-{attempt}"));
            Assert.Equal(503, refused!.Code);
            Assert.Contains("etcd", refused.Message, StringComparison.Ordinal);
            Assert.Contains("majority", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            for (var member = 0; member < Ha.Etcd.Count; member++)
            {
                if (!Ha.Etcd.IsRunning(member))
                    Ha.Etcd.RestartMember(member);
            }
            await Ha.Etcd.WaitHealthyAsync(Generous);
        }

        await WaitUntilAsync(async () =>
        {
            try
            {
                acknowledged.Add((await CreateConfigMapAsync(client, "quorum-back")).Metadata.Name!);
                return true;
            }
            catch (ApiClientException)
            {
                return false;
            }
        }, "writes to resume once etcd has its majority back");
        var stored = (await client.ListAsync(ResourceTypes.ConfigMaps, "default")).Items.Select(i => i.Metadata.Name!).ToHashSet(StringComparer.Ordinal);
        Assert.All(acknowledged, name => Assert.Contains(name, stored));
        // The followers waited etcd out (their lease campaign failing meanwhile) instead of exiting.
        Assert.All(Ha.Replicas, replica => Assert.False(replica.HasExited, $"a replica exited while etcd had no majority:\n{replica.Output[^Math.Min(replica.Output.Length, 2000)..]}"));
    }

    [Fact]
    public async Task Leader_CutOffFromEtcd_StopsActingBeforeAnotherReplicaLeads()
    {
        using var client = Ha.Client(TimeSpan.FromSeconds(10));
        var leader = await WaitForLeaderAsync(client, notThis: -1);
        var oldLog = Ha.Replicas[leader].Output.Length;
        Ha.CutFromEtcd(leader);
        int next;
        try
        {
            next = await WaitForLeaderAsync(client, notThis: leader);

            // The new leader's controllers do the work while the old one is still cut off.
            await CreateDeploymentAsync(client, "partition-web", replicas: 2);
            await WaitForPodsAsync(client, "partition-web", 2);
        }
        finally
        {
            Ha.RestoreEtcd(leader);
        }

        var stopped = await WaitForLogLineAsync(leader, oldLog, "Leadership lost");
        var started = await WaitForLogLineAsync(next, 0, " leads: ", last: true);
        Assert.True(stopped < started, $"the old leader stopped at {stopped:O}, the new one started at {started:O}");
        Console.WriteLine($"HA partition: replica {leader} stopped acting at {stopped:HH:mm:ss.fff}, replica {next} started at {started:HH:mm:ss.fff} ({(started - stopped).TotalSeconds:0.00} s later)");

        // The old leader starts over as a follower once it reaches etcd again, and serves the API.
        await WaitUntilAsync(async () =>
        {
            using var direct = new DroverClient(Ha.Settings with { Server = Ha.Url(leader), Servers = [Ha.Url(leader)] }, TimeSpan.FromSeconds(5));
            try
            {
                await direct.GetAsync(ResourceTypes.Deployments, "default", "partition-web");
                return true;
            }
            catch (ApiClientException)
            {
                return false;
            }
        }, "the cut-off replica to serve again");
    }

    /// <summary>
    /// The node stays Ready for a whole node-monitor grace period and more after <paramref name="killedAt"/> (a silent
    /// agent would have turned NotReady by then), its Lease was renewed after the kill, and the agent still runs.
    /// </summary>
    private async Task AssertNodeStaysReadyAsync(DroverClient client, DateTime killedAt, string after)
    {
        var node = Ha.Node!;
        var readyUntil = DateTime.UtcNow + HaClusterFixture.NodeMonitorGracePeriod + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < readyUntil)
        {
            var current = await TryGetNodeAsync(client, node.Name);
            var ready = current?.Status?.Conditions?.Find(c => c.Type == "Ready");
            Assert.True(current is null || ready?.Status == "True",
                $"{node.Name} went {ready?.Status} ({ready?.Reason}: {ready?.Message}) after {after}\n{node.Log[^Math.Min(node.Log.Length, 3000)..]}");
            await Task.Delay(500);
        }
        var heartbeat = (Lease?)await client.TryGetAsync(ResourceTypes.Leases, "kube-node-lease", node.Name);
        Assert.True(heartbeat?.Spec.RenewTime > killedAt.AddSeconds(1), $"{node.Name}'s Lease last renewed {heartbeat?.Spec.RenewTime:O}, {after} was at {killedAt:O}");
        Assert.False(node.Agent!.HasExited, "the agent exited");
    }

    private async Task<int> WaitForLeaderAsync(DroverClient client, int notThis)
    {
        var leader = -1;
        await WaitUntilAsync(async () =>
        {
            try
            {
                leader = await Ha.LeaderAsync(client);
            }
            catch (ApiClientException)
            {
                leader = -1;
            }
            return leader >= 0 && leader != notThis && !Ha.Replicas[leader].HasExited;
        }, $"a leader other than replica {notThis}");
        return leader;
    }

    /// <summary>The timestamp of the first (or last) line of replica <paramref name="replica"/>'s log after <paramref name="from"/> that holds <paramref name="text"/>.</summary>
    private async Task<DateTimeOffset> WaitForLogLineAsync(int replica, int from, string text, bool last = false)
    {
        DateTimeOffset found = default;
        await WaitUntilAsync(() =>
        {
            var lines = Ha.Replicas[replica].Output[from..].Split('\n').Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();
            if (lines.Count == 0)
                return false;
            var line = last ? lines[^1] : lines[0];
            found = DateTimeOffset.ParseExact(line[..24], "yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            return true;
        }, $"'{text}' in replica {replica}'s log");
        return found;
    }

    private static Task<ConfigMap> CreateConfigMapAsync(DroverClient client, string name) =>
        client.CreateAsync(ResourceTypes.ConfigMaps, new ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new ObjectMeta { Name = name, Namespace = "default" },
            Data = new() { ["at"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture) },
        });

    /// <summary>A Deployment of the sample app, whose image every private containerd has: its pods run on the fixture's node.</summary>
    private static Task CreateDeploymentAsync(DroverClient client, string name, int replicas)
    {
        var json = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\"},"
            + "\"spec\":{\"replicas\":" + replicas.ToString(CultureInfo.InvariantCulture) + ",\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}},"
            + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"}},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"drover.local/hello:v1\",\"imagePullPolicy\":\"IfNotPresent\"}]}}}}";
        return client.CreateRawAsync(ResourceTypes.Deployments, "default", Encoding.UTF8.GetBytes(json), "application/json");
    }

    /// <summary>Waits for <paramref name="count"/> pods of the app (Running on the node when <paramref name="running"/>).</summary>
    private static Task WaitForPodsAsync(DroverClient client, string app, int count, bool running = false) =>
        WaitUntilAsync(async () =>
        {
            try
            {
                var pods = await client.ListAsync(ResourceTypes.Pods, "default", labelSelector: $"app={app}");
                return pods.Items.OfType<Pod>().Count(p => p.Metadata.DeletionTimestamp is null && (!running || p.Status?.Phase == "Running")) == count;
            }
            catch (ApiClientException)
            {
                return false;
            }
        }, $"{count} pods of {app}");

    private static async Task<Node?> TryGetNodeAsync(DroverClient client, string name)
    {
        try
        {
            return await client.TryGetAsync(ResourceTypes.Nodes, null, name);
        }
        catch (ApiClientException)
        {
            // A replica going away mid-request: the next poll asks another.
            return null;
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Generous;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"waited {Generous.TotalSeconds:0} s for {what}");
            await Task.Delay(100);
        }
    }
}
