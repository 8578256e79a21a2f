using System.Globalization;
using System.Threading.Channels;
using Drover.Api;
using Drover.Api.Client;

namespace Drover.Bench.HollowNodes;

/// <summary>
/// A bench-only simulated node (Kubernetes' kubemark calls it a hollow node): with its own node credential it
/// registers and reports Ready as drover-agent does, renews its Lease every 10 s, posts its status every 60 s, and
/// reports each pod bound to it Running and Ready with an IP from its podCIDR. No containers run behind it.
/// Its bound pods come from the fleet's one shared watch (<see cref="BoundPodWatch"/>) through <see cref="Enqueue"/>.
/// </summary>
internal sealed class HollowNode : IDisposable
{
    public static readonly TimeSpan LeaseInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ReportRetryDelay = TimeSpan.FromSeconds(1);
    private const int MaxReportAttempts = 10;

    private readonly DroverClient _api;
    private readonly FleetCounters _counters;
    private readonly Channel<Pod> _bound = Channel.CreateUnbounded<Pod>(new UnboundedChannelOptions { SingleReader = true });
    // Pod uids already reported; only the writer loop touches it.
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private readonly string _hostIp;
    private Lease? _lease;
    private string? _nodeUid;
    private string _podIpPrefix = "";
    private int _nextPodHost = 2;

    public HollowNode(string name, int index, DroverClient api, FleetCounters counters)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(counters);
        Name = name;
        _api = api;
        _counters = counters;
        _hostIp = string.Create(CultureInfo.InvariantCulture, $"172.16.{index / 250}.{index % 250 + 1}");
    }

    public string Name { get; }

    /// <summary>Creates the Node (droverd assigns its podCIDR), posts a Ready status and creates the Lease.</summary>
    public async Task RegisterAsync(CancellationToken ct)
    {
        var node = await _api.CreateAsync(ResourceTypes.Nodes, new Node
        {
            ApiVersion = "v1",
            Kind = "Node",
            Metadata = new ObjectMeta
            {
                Name = Name,
                Labels = new(StringComparer.Ordinal)
                {
                    ["kubernetes.io/hostname"] = Name,
                    ["kubernetes.io/os"] = "linux",
                    ["kubernetes.io/arch"] = "amd64",
                    ["drover.io/hollow"] = "true",
                },
            },
        }, ct).ConfigureAwait(false);
        _nodeUid = node.Metadata.Uid;
        var cidr = node.Spec.PodCIDR ?? throw new InvalidOperationException($"droverd gave node {Name} no podCIDR (is --cluster-cidr big enough?)");
        _podIpPrefix = cidr[..(cidr.LastIndexOf('.') + 1)];
        await PostStatusAsync(ct).ConfigureAwait(false);
        await RenewLeaseAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Hands over a pod the shared watch saw bound to this node.</summary>
    public void Enqueue(Pod pod) => _bound.Writer.TryWrite(pod);

    /// <summary>Lease renewals, status posts and pod reports until cancelled.</summary>
    public Task RunAsync(Random random, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(random);
        // Spread over the intervals, as a fleet that came up over time is: 1,000 renewals in lockstep would be
        // a burst every 10 s that no real fleet produces.
        var leaseOffset = LeaseInterval * random.NextDouble();
        var statusOffset = StatusInterval * random.NextDouble();
        return Task.WhenAll(
            EveryAsync(leaseOffset, LeaseInterval, RenewLeaseAsync, ct),
            EveryAsync(statusOffset, StatusInterval, PostStatusAsync, ct),
            ReportPodsAsync(ct));
    }

    private async Task EveryAsync(TimeSpan first, TimeSpan interval, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        var delay = first;
        while (true)
        {
            try
            {
                await Task.Delay(delay, ct).ConfigureAwait(false);
                await work(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _counters.Error(Name, e);
            }
            delay = interval;
        }
    }

    private async Task ReportPodsAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var pod in _bound.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (!_reported.Add(pod.Metadata.Uid ?? ""))
                    continue;
                // A failed write (a connection dropped, a timeout) is counted and tried again, as drover-agent's pod
                // worker does on its next sync: a pod left unreported would stall the run rather than measure it.
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await ReportRunningAsync(pod, ct).ConfigureAwait(false);
                        break;
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        _counters.Error(Name, e);
                        if (attempt == MaxReportAttempts)
                            break;
                        await Task.Delay(ReportRetryDelay, ct).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>As drover-agent's pod worker writes it: the whole pod with the new status to pods/NAME/status, re-read on a conflict.</summary>
    private async Task ReportRunningAsync(Pod pod, CancellationToken ct)
    {
        var status = HollowStatus.Running(pod, _hostIp, _podIpPrefix + (_nextPodHost++).ToString(CultureInfo.InvariantCulture), DateTimeOffset.UtcNow);
        // The scheduler's or a controller's write may race ours: written on top of the stored pod.
        if (await _api.WriteOnTopAsync(ResourceTypes.Pods, pod, held => held with { Status = status }, onConflict: _counters.Conflict, ct: ct).ConfigureAwait(false) is not null)
            _counters.PodReported();
    }

    private async Task PostStatusAsync(CancellationToken ct)
    {
        // droverd's node controllers may write the Node between our read and write: read again.
        await ConflictRetry.RetryOnConflictAsync(async token =>
        {
            var node = await _api.GetAsync(ResourceTypes.Nodes, null, Name, token).ConfigureAwait(false);
            await _api.UpdateAsync(ResourceTypes.Nodes, node with { Status = HollowStatus.ReadyNode(Name, _hostIp, DateTimeOffset.UtcNow, node.Status) }, "status", token).ConfigureAwait(false);
        }, maxAttempts: 3, ct).ConfigureAwait(false);
    }

    private async Task RenewLeaseAsync(CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        now = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);   // MicroTime, as the agent writes it
        try
        {
            _lease = _lease is null
                ? await _api.CreateAsync(ResourceTypes.Leases, NewLease(now), ct).ConfigureAwait(false)
                : await _api.UpdateAsync(ResourceTypes.Leases, _lease with { Spec = _lease.Spec with { RenewTime = now } }, null, ct).ConfigureAwait(false);
            _counters.LeaseRenewed();
        }
        catch (ApiClientException e) when (e.Code is 409)
        {
            _lease = await _api.TryGetAsync(ResourceTypes.Leases, "kube-node-lease", Name, ct).ConfigureAwait(false);
            throw;
        }
    }

    private Lease NewLease(DateTimeOffset now) => new()
    {
        ApiVersion = "coordination.k8s.io/v1",
        Kind = "Lease",
        Metadata = new ObjectMeta
        {
            Name = Name,
            Namespace = "kube-node-lease",
            OwnerReferences = _nodeUid is null ? null : [new OwnerReference { ApiVersion = "v1", Kind = "Node", Name = Name, Uid = _nodeUid }],
        },
        Spec = new LeaseSpec { HolderIdentity = Name, LeaseDurationSeconds = 40, RenewTime = now },
    };

    public void Dispose() => _api.Dispose();
}
