namespace Drover.ControlPlane.Controllers.NodeLifecycle;

/// <summary>
/// When each node was last seen alive, by droverd's own clock: the moment a new Lease renewTime (or a new
/// Ready heartbeat in the Node's status) was observed, not the time written in it, as Kubernetes' node
/// lifecycle controller does, so an edge device whose clock is off by minutes is not declared dead (or
/// kept alive) by its own timestamps. A node seen for the first time counts as just seen, which gives every
/// node a full grace period after droverd starts. Thread-safe: informer handlers write, the monitor reads.
/// </summary>
internal sealed class NodeHeartbeats
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _nodes = new(StringComparer.Ordinal);

    public void ObserveLease(string nodeName, DateTimeOffset? renewTime, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        lock (_gate)
        {
            var entry = GetOrAdd(nodeName, now);
            if (renewTime is not null && renewTime != entry.LeaseRenewTime)
            {
                entry.LeaseRenewTime = renewTime;
                entry.LastSeen = now;
            }
        }
    }

    public void ObserveNode(string nodeName, DateTimeOffset? readyHeartbeat, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        lock (_gate)
        {
            var entry = GetOrAdd(nodeName, now);
            if (readyHeartbeat is not null && readyHeartbeat != entry.ReadyHeartbeat)
            {
                entry.ReadyHeartbeat = readyHeartbeat;
                entry.LastSeen = now;
            }
        }
    }

    public void Remove(string nodeName)
    {
        lock (_gate)
            _nodes.Remove(nodeName);
    }

    /// <summary>When the node was last seen alive; a node never observed counts as seen <paramref name="now"/>.</summary>
    public DateTimeOffset LastSeen(string nodeName, DateTimeOffset now)
    {
        lock (_gate)
            return GetOrAdd(nodeName, now).LastSeen;
    }

    private Entry GetOrAdd(string nodeName, DateTimeOffset now)
    {
        if (!_nodes.TryGetValue(nodeName, out var entry))
            _nodes[nodeName] = entry = new Entry { LastSeen = now };
        return entry;
    }

    private sealed class Entry
    {
        public DateTimeOffset LastSeen { get; set; }
        public DateTimeOffset? LeaseRenewTime { get; set; }
        public DateTimeOffset? ReadyHeartbeat { get; set; }
    }
}
