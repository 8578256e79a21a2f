using Drover.Api;
using Drover.ControlPlane.Storage;

namespace Drover.ControlPlane.Registry.Allocation;

/// <summary>
/// Kubernetes' service IP and node port repair controllers: at start and then periodically, the ranges' records
/// are reconciled with what stored Services hold — an address a Service holds but the record lost (a changed
/// <c>--service-cidr</c>, a restored store) is marked, one the record holds for no Service (droverd died between
/// the allocation and the Service write) is freed after a few runs, and two Services holding one address are
/// reported.
/// </summary>
public sealed partial class ServiceAllocationRepair : BackgroundService
{
    private readonly ServiceAllocator _allocator;
    private readonly ObjectStore _objects;
    private readonly ServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ServiceAllocationRepair> _logger;
    private readonly LeakTracker _ipLeaks = new();
    private readonly LeakTracker _portLeaks = new();

    public ServiceAllocationRepair(ServiceAllocator allocator, ObjectStore objects, ServerOptions options, TimeProvider time, ILogger<ServiceAllocationRepair> logger)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _allocator = allocator;
        _objects = objects;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>One reconciliation of both ranges (droverd runs one before it serves, so a changed range is repaired first).</summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        var heldIps = new HashSet<int>();
        var heldPorts = new HashSet<int>();
        var owners = new Dictionary<int, string>();
        var services = await _objects.ListValuesAsync(ResourceTypes.Services, null, null, 0, share: true, ct).ConfigureAwait(false);
        foreach (var value in services.Items)
        {
            if (value.Object is not Service service)
                continue;
            var held = _allocator.Held(service);
            var name = $"{service.Metadata.Namespace}/{service.Metadata.Name}";
            foreach (var offset in held.IpOffsets)
            {
                if (!heldIps.Add(offset))
                    LogDuplicate(service.Spec.ClusterIP!, owners[offset], name);
                owners[offset] = name;
            }
            foreach (var offset in held.PortOffsets)
                heldPorts.Add(offset);
            if (service.Spec.Type != "ExternalName" && service.Spec.ClusterIP is { Length: > 0 } ip && ip != "None" && held.IpOffsets.Count == 0)
                LogOutsideRange(name, ip, _allocator.IpRange.ToString());
        }
        var (ipsMarked, ipsFreed, ipsSuspects) = await _allocator.IpAllocator.UpdateAsync(record =>
        {
            var result = _ipLeaks.Reconcile(record, heldIps);
            return (result.Marked + result.Freed > 0, result);
        }, ct).ConfigureAwait(false);
        _ipLeaks.Commit(ipsSuspects);
        var (portsMarked, portsFreed, portsSuspects) = await _allocator.PortAllocator.UpdateAsync(record =>
        {
            var result = _portLeaks.Reconcile(record, heldPorts);
            return (result.Marked + result.Freed > 0, result);
        }, ct).ConfigureAwait(false);
        _portLeaks.Commit(portsSuspects);
        if (ipsMarked + ipsFreed + portsMarked + portsFreed > 0)
            LogRepaired(ipsMarked, ipsFreed, portsMarked, portsFreed);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.ServiceAllocationRepairInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (ApiException e)
                {
                    LogFailed(e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Service allocation repair: {IpsMarked} cluster IPs marked and {IpsFreed} leaked ones freed, {PortsMarked} node ports marked and {PortsFreed} freed")]
    private partial void LogRepaired(int ipsMarked, int ipsFreed, int portsMarked, int portsFreed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cluster IP {Ip} is held by two Services: {First} and {Second}")]
    private partial void LogDuplicate(string ip, string first, string second);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {Service} has cluster IP {Ip}, outside the service CIDR {Range}")]
    private partial void LogOutsideRange(string service, string ip, string range);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service allocation repair failed: {Reason}")]
    private partial void LogFailed(string reason);
}
