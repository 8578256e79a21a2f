using Drover.Api;
using Drover.Api.PodNetwork;
using Drover.ControlPlane.Controllers.Framework;
using Drover.ControlPlane.Events;
using Drover.ControlPlane.Informers;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Controllers.PodNetwork;

/// <summary>
/// Says on every Node whether the pod network routes it, as Kubernetes' route controller and network plugins do with the
/// NetworkUnavailable condition: False once the node is a peer every agent routes to, True with the reason (and a
/// Warning Event) when <see cref="PodNetworkPeers"/> leaves it out — an overlapping or foreign podCIDR, no InternalIP,
/// a clashing InternalIP or VTEP MAC, another backend. The agents apply the same verdict to their routes, so a bad Node
/// only loses its own routes; this controller only tells. A node still coming up is left as it is. Idle with backend none.
/// </summary>
internal sealed partial class PodNetworkController : QueueController
{
    public const string ConditionType = "NetworkUnavailable";
    public const string RoutedReason = "PodNetworkConfigured";
    private const string Key = "pod-network";

    private readonly Informer<Node> _nodes;
    private readonly ObjectService _objects;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EventRecorder _events;
    private readonly PodNetworkSettings _settings;

    public PodNetworkController(SharedInformers informers, ObjectService objects, EventWriter events, ServerOptions options, TimeProvider time, ILoggerFactory loggers)
        : base("Pod network", time, loggers.CreateLogger<PodNetworkController>(), workers: 1, firstRetryDelay: TimeSpan.FromMilliseconds(50), maxRetryDelay: TimeSpan.FromSeconds(30))
    {
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        _objects = objects;
        _time = time;
        _logger = loggers.CreateLogger<PodNetworkController>();
        _events = events.ForComponent("pod-network-controller");
        _settings = options.PodNetworkSettings;
        _nodes = informers.For(ResourceTypes.Nodes);
        if (_settings.Backend != PodNetworkBackend.None)
            _nodes.AddHandler(OnNode);
    }

    /// <summary>One node's change can change another's verdict (the older of two clashing nodes goes away): every change looks at all.</summary>
    private void OnNode(ObjectChange<Node> change)
    {
        if (change.Old is { } old && change.New is { } updated && !Matters(old, updated))
            return;
        Queue.Add(Key);
    }

    /// <summary>What the verdict is made of, and the condition itself (someone else rewriting it gets it rewritten).</summary>
    private static bool Matters(Node old, Node updated) =>
        old.Spec.PodCIDR != updated.Spec.PodCIDR
        || InternalIp(old) != InternalIp(updated)
        || (old.Status is null) != (updated.Status is null)
        || (old.Metadata.DeletionTimestamp is null) != (updated.Metadata.DeletionTimestamp is null)
        || old.Metadata.Annotations?.GetValueOrDefault(PodNetworkAnnotations.Backend) != updated.Metadata.Annotations?.GetValueOrDefault(PodNetworkAnnotations.Backend)
        || old.Metadata.Annotations?.GetValueOrDefault(PodNetworkAnnotations.VtepMac) != updated.Metadata.Annotations?.GetValueOrDefault(PodNetworkAnnotations.VtepMac)
        || Condition(old) != Condition(updated);

    private static string? InternalIp(Node node) => node.Status?.Addresses?.Find(a => a?.Type == "InternalIP")?.Address;

    private static NodeCondition? Condition(Node node) => node.Status?.Conditions?.Find(c => c?.Type == ConditionType);

    protected override bool Enabled => _settings.Backend != PodNetworkBackend.None;

    protected override IEnumerable<Task> CachesSynced => [_nodes.Synced];

    protected override void OnCachesSynced() => Queue.Add(Key);

    protected override async Task SyncAsync(string key, CancellationToken ct)
    {
        var nodes = _nodes.List().ToList();
        var view = PodNetworkPeers.Evaluate(nodes, _settings);
        var byName = nodes.ToDictionary(n => n.Metadata.Name!, StringComparer.Ordinal);
        var backend = PodNetworkBackends.Name(_settings.Backend);
        var failed = 0;
        foreach (var problem in view.Problems)
            failed += await TrySetAsync(byName[problem.NodeName], "True", problem.Reason, problem.Message, ct).ConfigureAwait(false) ? 0 : 1;
        foreach (var peer in view.Peers)
        {
            var message = $"every node routes podCIDR {peer.PodCidr} via {peer.InternalIp} ({backend}{(peer.VtepMac is null ? "" : ", VTEP " + peer.VtepMac)})";
            failed += await TrySetAsync(byName[peer.NodeName], "False", RoutedReason, message, ct).ConfigureAwait(false) ? 0 : 1;
        }
        if (failed > 0)
            throw new InvalidOperationException($"the NetworkUnavailable condition of {failed} node(s) could not be written");
    }

    /// <summary>Writes the condition when it differs; false when the write failed (the sync is retried).</summary>
    private async Task<bool> TrySetAsync(Node node, string status, string reason, string message, CancellationToken ct)
    {
        var current = Condition(node);
        if (current is not null && current.Status == status && current.Reason == reason && current.Message == message)
            return true;
        var now = _time.GetUtcNowSeconds();
        var condition = new NodeCondition
        {
            Type = ConditionType,
            Status = status,
            Reason = reason,
            Message = message,
            LastHeartbeatTime = now,
            LastTransitionTime = current is { LastTransitionTime: { } since } && current.Status == status ? since : now,
        };
        var conditions = new List<NodeCondition>(node.Status?.Conditions ?? []);
        var index = conditions.FindIndex(c => c?.Type == ConditionType);
        if (index >= 0)
            conditions[index] = condition;
        else
            conditions.Add(condition);
        try
        {
            await _objects.UpdateAsync(ResourceTypes.Nodes, node with { Status = (node.Status ?? new NodeStatus()) with { Conditions = conditions } }, statusOnly: true, ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Status.Code is 404 or 409)
        {
            // Deleted or written meanwhile: the informer brings the newer object, and with it another look.
            return e.Status.Code == 404;
        }
        if (status == "True")
        {
            LogLeftOut(_logger, node.Metadata.Name!, reason, message);
            _events.Warning(ResourceTypes.Nodes, node, reason, message);
        }
        else if (current is { Status: "True" })
        {
            LogRouted(_logger, node.Metadata.Name!);
            _events.Normal(ResourceTypes.Nodes, node, RoutedReason, message);
        }
        return true;
    }

    [LoggerMessage(EventId = 1700, Level = LogLevel.Warning, Message = "Node {Node} is left out of the pod network ({Reason}): {Message}")]
    private static partial void LogLeftOut(ILogger logger, string node, string reason, string message);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Information, Message = "Node {Node} is in the pod network again")]
    private static partial void LogRouted(ILogger logger, string node);
}
