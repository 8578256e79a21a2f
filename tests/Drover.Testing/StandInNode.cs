using Drover.Api;
using Drover.Api.Client;

namespace Drover.Testing;

/// <summary>
/// A stand-in for drover-agent in tests that run droverd without agents (a scale-simulation fake in
/// DESIGN.md's sense, named so): it registers a Node, writes a Ready status with allocatable resources,
/// renews the node's Lease in kube-node-lease in the background, and reports pods Running with an IP as
/// the agent would. droverd sees nothing but ordinary API writes from an admin client.
/// </summary>
public sealed class StandInNode : IAsyncDisposable
{
    private readonly DroverClient _admin;
    private readonly TimeSpan _renewEvery;
    private CancellationTokenSource? _heartbeat;
    private Task _renewing = Task.CompletedTask;
    private long _lastRenewalTicks;

    private StandInNode(DroverClient admin, string name, TimeSpan renewEvery)
    {
        _admin = admin;
        Name = name;
        _renewEvery = renewEvery;
    }

    public string Name { get; }

    /// <summary>
    /// The renewTime of the last Lease write the API acknowledged, taken (on this machine's clock) before it was sent:
    /// droverd cannot have seen the node alive any earlier. A write cancelled by <see cref="StopHeartbeatAsync"/> may still
    /// have landed, so droverd's last sight of the node may be later, never earlier.
    /// </summary>
    public DateTimeOffset LastRenewal => new(Interlocked.Read(ref _lastRenewalTicks), TimeSpan.Zero);

    /// <summary>Registers the node (Ready, with the given allocatable) and starts heartbeating.</summary>
    public static async Task<StandInNode> StartAsync(DroverClient admin, string name, string cpu, string memory = "8Gi",
        Dictionary<string, string>? labels = null, TimeSpan? renewEvery = null, int pods = 110)
    {
        var node = new StandInNode(admin, name, renewEvery ?? TimeSpan.FromSeconds(1));
        var created = await admin.CreateAsync(ResourceTypes.Nodes, new Node
        {
            ApiVersion = "v1",
            Kind = "Node",
            Metadata = new ObjectMeta { Name = name, Labels = labels },
        });
        var now = DateTimeOffset.UtcNow;
        var allocatable = new Dictionary<string, Quantity>(StringComparer.Ordinal)
        {
            ["cpu"] = Quantity.Parse(cpu),
            ["memory"] = Quantity.Parse(memory),
            ["pods"] = Quantity.FromInt64(pods, QuantityFormat.DecimalSI),
        };
        await admin.UpdateAsync(ResourceTypes.Nodes, created with
        {
            Status = new NodeStatus
            {
                Capacity = allocatable,
                Allocatable = allocatable,
                Conditions = [new NodeCondition { Type = "Ready", Status = "True", Reason = "KubeletReady", LastHeartbeatTime = now, LastTransitionTime = now }],
            },
        }, "status");
        await node.RenewAsync(CancellationToken.None);
        node.ResumeHeartbeat();
        return node;
    }

    /// <summary>The agent stops: no more Lease renewals (the Node object stays as it was).</summary>
    public async Task StopHeartbeatAsync()
    {
        if (_heartbeat is null)
            return;
        await _heartbeat.CancelAsync();
        await _renewing;
        _heartbeat.Dispose();
        _heartbeat = null;
    }

    public void ResumeHeartbeat()
    {
        if (_heartbeat is not null)
            return;
        _heartbeat = new CancellationTokenSource();
        _renewing = RenewLoopAsync(_heartbeat.Token);
    }

    /// <summary>Reports a pod Running with <paramref name="ip"/> and the given readiness, as the agent's status write would.</summary>
    public static async Task<Pod> ReportPodAsync(DroverClient admin, string ns, string podName, string ip, bool ready)
    {
        ArgumentNullException.ThrowIfNull(admin);
        // Another writer (the scheduler, a controller) may get there first: read again.
        return await ConflictRetry.RetryOnConflictAsync(async _ =>
        {
            var pod = await admin.GetAsync(ResourceTypes.Pods, ns, podName);
            var now = DateTimeOffset.UtcNow;
            var readyText = ready ? "True" : "False";
            var status = new PodStatus
            {
                Phase = "Running",
                PodIP = ip,
                PodIPs = [new PodIP { Ip = ip }],
                HostIP = "192.0.2.1",
                Conditions =
                [
                    new PodCondition { Type = "PodScheduled", Status = "True", LastTransitionTime = now },
                    new PodCondition { Type = "Initialized", Status = "True", LastTransitionTime = now },
                    new PodCondition { Type = "ContainersReady", Status = readyText, LastTransitionTime = now },
                    new PodCondition { Type = "Ready", Status = readyText, LastTransitionTime = now },
                ],
            };
            return await admin.UpdateAsync(ResourceTypes.Pods, pod with { Status = status }, "status");
        });
    }

    private async Task RenewLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_renewEvery, ct);
                await RenewAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ApiClientException)
            {
                // A missed renewal is what a flaky link looks like; the next one may succeed.
            }
        }
    }

    private async Task RenewAsync(CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var existing = await _admin.TryGetAsync(ResourceTypes.Leases, "kube-node-lease", Name, ct);
        if (existing is null)
        {
            await _admin.CreateAsync(ResourceTypes.Leases, new Lease
            {
                ApiVersion = "coordination.k8s.io/v1",
                Kind = "Lease",
                Metadata = new ObjectMeta { Name = Name, Namespace = "kube-node-lease" },
                Spec = new LeaseSpec { HolderIdentity = Name, LeaseDurationSeconds = 40, RenewTime = now },
            }, ct);
        }
        else
        {
            await _admin.UpdateAsync(ResourceTypes.Leases, existing with { Spec = existing.Spec with { RenewTime = now } }, null, ct);
        }
        Interlocked.Exchange(ref _lastRenewalTicks, now.UtcTicks);
    }

    public async ValueTask DisposeAsync() => await StopHeartbeatAsync();
}
