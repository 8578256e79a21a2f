using System.Collections.Concurrent;
using Drover.Api;
using Drover.ControlPlane.Controllers.Autoscaling;

namespace Drover.ControlPlane.ResourceMetrics;

/// <summary>
/// The resource metrics pipeline's only state, in memory and never in the store (as metrics-server keeps it): per
/// node, the last report with its cumulative counters and the rates derived from it and the one before. A node that
/// stops reporting drops out after <see cref="MaxAge"/>.
/// </summary>
public sealed class ResourceUsageStore(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, NodeUsageSnapshot> _nodes = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = time ?? throw new ArgumentNullException(nameof(time));

    /// <summary>How long a node's last report stays served (several of the agents' default 15 s intervals).</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromSeconds(60);

    public void Record(string nodeName, NodeUsageReport report)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        ArgumentNullException.ThrowIfNull(report);
        var now = _time.GetUtcNow();
        _nodes.AddOrUpdate(nodeName,
            static (name, arg) => UsageRates.Derive(name, null, arg.report, arg.now),
            static (name, previous, arg) => UsageRates.Derive(name, previous.Report, arg.report, arg.now),
            (report, now));
    }

    /// <summary>Forgets a node (deleted from the cluster).</summary>
    public void Forget(string nodeName) => _nodes.TryRemove(nodeName, out _);

    public IReadOnlyList<NodeMetrics> Nodes()
    {
        var result = new List<NodeMetrics>();
        foreach (var snapshot in Fresh())
        {
            if (snapshot.Node is { } node)
                result.Add(node);
        }
        result.Sort(static (a, b) => string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));
        return result;
    }

    public NodeMetrics? Node(string name) =>
        _nodes.TryGetValue(name, out var snapshot) && IsFresh(snapshot) ? snapshot.Node : null;

    /// <summary>Pod metrics in one namespace, or in all when <paramref name="ns"/> is null, by namespace then name.</summary>
    public IReadOnlyList<PodMetrics> Pods(string? ns)
    {
        var result = new List<PodMetrics>();
        foreach (var snapshot in Fresh())
        {
            foreach (var ((podNamespace, _), pod) in snapshot.Pods)
            {
                if (ns is null || podNamespace == ns)
                    result.Add(pod.Metrics);
            }
        }
        result.Sort(static (a, b) =>
            string.CompareOrdinal(a.Metadata.Namespace, b.Metadata.Namespace) is var byNamespace and not 0
                ? byNamespace
                : string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));
        return result;
    }

    public PodMetrics? Pod(string ns, string name)
    {
        foreach (var snapshot in Fresh())
        {
            if (snapshot.Pods.TryGetValue((ns, name), out var pod))
                return pod.Metrics;
        }
        return null;
    }

    /// <summary>
    /// The HPA's view: each pod's usage of <paramref name="resource"/> in the namespace, summed over its containers,
    /// in milli-units (millicores; milli-bytes for memory), by pod name.
    /// </summary>
    public IReadOnlyDictionary<string, PodUsage> PodUsage(string ns, string resource)
    {
        var result = new Dictionary<string, PodUsage>(StringComparer.Ordinal);
        foreach (var snapshot in Fresh())
        {
            foreach (var ((podNamespace, name), pod) in snapshot.Pods)
            {
                if (podNamespace != ns)
                    continue;
                long milli = 0;
                foreach (var container in pod.Metrics.Containers)
                {
                    if (container.Usage.TryGetValue(resource, out var quantity))
                        milli += quantity.MilliValue;
                }
                result[name] = new PodUsage(milli, pod.Metrics.Timestamp, pod.Window);
            }
        }
        return result;
    }

    private IEnumerable<NodeUsageSnapshot> Fresh()
    {
        foreach (var snapshot in _nodes.Values)
        {
            if (IsFresh(snapshot))
                yield return snapshot;
        }
    }

    private bool IsFresh(NodeUsageSnapshot snapshot) => _time.GetUtcNow() - snapshot.ReceivedAt <= MaxAge;
}
