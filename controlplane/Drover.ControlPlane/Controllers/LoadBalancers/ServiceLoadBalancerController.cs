using Drover.Api;
using Drover.ControlPlane.Controllers.Framework;
using Drover.ControlPlane.Events;
using Drover.ControlPlane.Informers;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Controllers.LoadBalancers;

/// <summary>
/// type: LoadBalancer as k3s's ServiceLB serves it: every agent's service proxy answers a LoadBalancer Service's ports on
/// its node's own addresses, so the Service's status.loadBalancer.ingress lists the InternalIPs of the Ready nodes
/// (sorted); a Service that loses a contested port (<see cref="LoadBalancerPorts"/>), or is no longer a LoadBalancer,
/// has its ingress emptied (pending), and a pending LoadBalancer gets a Warning Event saying which port another holds
/// (once per reason, as ServiceLB's pending pods tell it). Node and Service changes both lead to one pass over all Services.
/// </summary>
internal sealed partial class ServiceLoadBalancerController : QueueController
{
    private const string Key = "load-balancers";

    private readonly Informer<Service> _services;
    private readonly Informer<Node> _nodes;
    private readonly ObjectService _objects;
    private readonly ILogger _logger;
    private readonly EventRecorder _events;

    /// <summary>The reason each pending Service was last told (uid → reason): an Event per new reason, not per pass.</summary>
    private readonly Dictionary<string, string> _told = new(StringComparer.Ordinal);

    /// <summary>Kubernetes' service controller's reason when it cannot give a LoadBalancer Service its balancer.</summary>
    public const string PendingReason = "SyncLoadBalancerFailed";

    public ServiceLoadBalancerController(SharedInformers informers, ObjectService objects, EventWriter events, TimeProvider time, ILoggerFactory loggers)
        : base("Service LoadBalancer", time, loggers.CreateLogger<ServiceLoadBalancerController>(), workers: 1, firstRetryDelay: TimeSpan.FromMilliseconds(50), maxRetryDelay: TimeSpan.FromSeconds(30))
    {
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        _objects = objects;
        _events = events.ForComponent("service-lb-controller");
        _logger = loggers.CreateLogger<ServiceLoadBalancerController>();
        _services = informers.For(ResourceTypes.Services);
        _nodes = informers.For(ResourceTypes.Nodes);
        _services.AddHandler(_ => Queue.Add(Key));
        _nodes.AddHandler(OnNode);
    }

    /// <summary>Only what changes the address list: a node's Ready status, InternalIP, or its coming and going (not every heartbeat).</summary>
    private void OnNode(ObjectChange<Node> change)
    {
        if (change.Old is { } old && change.New is { } updated && Address(old) == Address(updated))
            return;
        Queue.Add(Key);
    }

    /// <summary>The node's InternalIP when it is Ready and not being deleted; null otherwise.</summary>
    public static string? Address(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var ready = node.Status?.Conditions?.Find(c => c?.Type == "Ready")?.Status == "True";
        return ready && node.Metadata.DeletionTimestamp is null ? node.Status?.Addresses?.Find(a => a?.Type == "InternalIP")?.Address : null;
    }

    /// <summary>The ingress every served LoadBalancer gets: the Ready nodes' InternalIPs, in address order.</summary>
    public static List<string> IngressAddresses(IEnumerable<Node> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        return [.. nodes.Select(Address).OfType<string>().Distinct(StringComparer.Ordinal)
            .OrderBy(a => System.Net.IPAddress.TryParse(a, out var ip) ? new System.Numerics.BigInteger(ip.GetAddressBytes(), isUnsigned: true, isBigEndian: true) : System.Numerics.BigInteger.MinusOne)
            .ThenBy(a => a, StringComparer.Ordinal)];
    }

    protected override IEnumerable<Task> CachesSynced => [_services.Synced, _nodes.Synced];

    protected override void OnCachesSynced() => Queue.Add(Key);

    protected override async Task SyncAsync(string key, CancellationToken ct)
    {
        var services = _services.List();
        var pending = new Dictionary<string, string>(StringComparer.Ordinal);
        var served = LoadBalancerPorts.Served(services, pending);
        var addresses = IngressAddresses(_nodes.List());
        var failed = 0;
        TellPending(services, pending);
        foreach (var service in services)
        {
            var desired = served.Contains(LoadBalancerPorts.Key(service)) ? addresses : [];
            var current = service.Status?.LoadBalancer?.Ingress?.Select(i => i?.Ip ?? "").ToList() ?? [];
            if (current.SequenceEqual(desired, StringComparer.Ordinal))
                continue;
            var status = (service.Status ?? new ServiceStatus()) with
            {
                LoadBalancer = new LoadBalancerStatus { Ingress = desired.Count == 0 ? null : [.. desired.Select(ip => new LoadBalancerIngress { Ip = ip })] },
            };
            try
            {
                await _objects.UpdateAsync(ResourceTypes.Services, service with { Status = status }, statusOnly: true, ct).ConfigureAwait(false);
                LogIngress(_logger, LoadBalancerPorts.Key(service), desired.Count == 0 ? "(pending)" : string.Join(",", desired));
            }
            catch (ApiException e) when (e.Status.Code is 404 or 409)
            {
                // Deleted or written meanwhile: the informer brings the newer object, and with it another pass.
                failed += e.Status.Code == 409 ? 1 : 0;
            }
        }
        if (failed > 0)
            throw new InvalidOperationException($"the load balancer status of {failed} Service(s) changed meanwhile; another pass");
    }

    private void TellPending(List<Service> services, Dictionary<string, string> pending)
    {
        var current = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            if (service.Metadata.Uid is not { } uid || !pending.TryGetValue(LoadBalancerPorts.Key(service), out var reason))
                continue;
            current.Add(uid);
            if (_told.TryGetValue(uid, out var told) && told == reason)
                continue;
            _told[uid] = reason;
            _events.Warning(ResourceTypes.Services, service, PendingReason, "Error syncing load balancer: " + reason);
        }
        // Served again, or gone: a later conflict is news again.
        foreach (var uid in _told.Keys.Where(uid => !current.Contains(uid)).ToList())
            _told.Remove(uid);
    }

    [LoggerMessage(EventId = 1710, Level = LogLevel.Information, Message = "Service {Service}: load balancer ingress {Addresses}")]
    private static partial void LogIngress(ILogger logger, string service, string addresses);
}
