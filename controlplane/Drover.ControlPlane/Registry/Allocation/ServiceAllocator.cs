using System.Globalization;
using Drover.Api;
using Drover.ControlPlane.Storage;

namespace Drover.ControlPlane.Registry.Allocation;

/// <summary>
/// Cluster IPs from <c>--service-cidr</c> and node ports from <c>--service-node-port-range</c>, as Kubernetes'
/// Service REST storage allocates them: taken in the store (compare-and-swap on the range's record) before the
/// Service is written, given back when that write fails, and freed when the Service is removed or stops using
/// them. A crash between the two writes leaves at worst a leaked offset, which <see cref="ServiceAllocationRepair"/>
/// frees; never one handed out twice.
/// </summary>
public sealed partial class ServiceAllocator
{
    private readonly RangeAllocator _ips;
    private readonly RangeAllocator _ports;
    private readonly Random _ipRandom;
    private readonly Random _portRandom;
    private readonly ILogger<ServiceAllocator> _logger;

    public ServiceAllocator(RangeStore store, ServerOptions options, ILogger<ServiceAllocator> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        IpRange = ServiceIpRange.Parse(options.ServiceCidr);
        PortRange = NodePortRange.Parse(options.ServiceNodePortRange);
        _ips = new RangeAllocator(store, "serviceips", IpRange.ToString(), IpRange.Size);
        _ports = new RangeAllocator(store, "servicenodeports", PortRange.ToString(), PortRange.Size);
        _ipRandom = options.AllocatorSeed is { } seed ? new Random(seed) : new Random();
        _portRandom = options.AllocatorSeed is { } seed2 ? new Random(seed2 + 1) : new Random();
        _logger = logger;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the flag when a range is malformed (checked at start).</summary>
    public static void CheckRanges(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ServiceIpRange.Parse(options.ServiceCidr);
        NodePortRange.Parse(options.ServiceNodePortRange);
    }

    internal ServiceIpRange IpRange { get; }

    internal NodePortRange PortRange { get; }

    internal RangeAllocator IpAllocator => _ips;

    internal RangeAllocator PortAllocator => _ports;

    /// <summary>Writes <paramref name="service"/> through <paramref name="write"/> with its cluster IP and node ports allocated.</summary>
    public async Task<KubeObject> CreateAsync(Service service, Func<KubeObject, Task<KubeObject>> write, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(write);
        var (allocated, taken) = await AllocateAsync(service, null, ct).ConfigureAwait(false);
        try
        {
            return await write(allocated).ConfigureAwait(false);
        }
        catch
        {
            await ReleaseQuietlyAsync(taken).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="updated"/> with whatever it newly needs allocated (a type changed to NodePort, a new
    /// port), then frees what <paramref name="existing"/> held and the written object no longer does.
    /// </summary>
    public async Task<KubeObject> UpdateAsync(Service updated, Service existing, Func<KubeObject, Task<KubeObject>> write, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(write);
        var (allocated, taken) = await AllocateAsync(updated, existing, ct).ConfigureAwait(false);
        KubeObject written;
        try
        {
            written = await write(allocated).ConfigureAwait(false);
        }
        catch
        {
            await ReleaseQuietlyAsync(taken).ConfigureAwait(false);
            throw;
        }
        if (written is Service now)
            await ReleaseQuietlyAsync(Held(existing).Except(Held(now))).ConfigureAwait(false);
        return written;
    }

    /// <summary>Frees what a removed Service held.</summary>
    public Task ReleaseAsync(Service removed)
    {
        ArgumentNullException.ThrowIfNull(removed);
        return ReleaseQuietlyAsync(Held(removed));
    }

    /// <summary>The offsets a stored Service holds (addresses and ports outside the ranges are no one's).</summary>
    internal ServiceAllocations Held(Service service)
    {
        var ips = new List<int>(1);
        if (service.Spec.Type != "ExternalName" && service.Spec.ClusterIP is { Length: > 0 } ip && IpRange.OffsetOf(ip) is var offset and >= 0)
            ips.Add(offset);
        var ports = new List<int>();
        if (UsesNodePorts(service))
        {
            foreach (var port in service.Spec.Ports ?? [])
                if (port?.NodePort is { } nodePort && PortRange.OffsetOf(nodePort) is var portOffset and >= 0 && !ports.Contains(portOffset))
                    ports.Add(portOffset);
            if (NeedsHealthCheck(service) && service.Spec.HealthCheckNodePort is { } healthCheck && PortRange.OffsetOf(healthCheck) is var healthOffset and >= 0
                && !ports.Contains(healthOffset))
                ports.Add(healthOffset);
        }
        return new ServiceAllocations(ips, ports);
    }

    private async Task<(Service Allocated, ServiceAllocations Taken)> AllocateAsync(Service service, Service? existing, CancellationToken ct)
    {
        var spec = service.Spec;
        if (spec.Type == "ExternalName")
            return (service, ServiceAllocations.None);
        var held = existing is null ? ServiceAllocations.None : Held(existing);
        var ipTaken = new List<int>(1);
        var clusterIp = spec.ClusterIP is { Length: > 0 } given ? given : spec.ClusterIPs is [{ Length: > 0 } first, ..] ? first : null;
        if (spec.ClusterIPs is { Count: > 1 })
            throw AllocationFailure.Invalid(service, "spec.clusterIPs[1]", Quote(spec.ClusterIPs[1]), "may not be set: the service CIDR " + IpRange + " is IPv4 only");
        if (clusterIp == "None")
        {
            service = service with { Spec = spec with { ClusterIP = "None", ClusterIPs = ["None"] } };
        }
        else if (clusterIp is not null && existing?.Spec.ClusterIP == clusterIp && existing.Spec.Type != "ExternalName")
        {
            service = service with { Spec = spec with { ClusterIPs = [clusterIp] } };
        }
        else
        {
            var offset = await AllocateIpAsync(service, clusterIp, ct).ConfigureAwait(false);
            ipTaken.Add(offset);
            var address = IpRange.AddressAt(offset);
            service = service with { Spec = spec with { ClusterIP = address, ClusterIPs = [address] } };
        }
        try
        {
            if (!UsesNodePorts(service))
                return (service, new ServiceAllocations(ipTaken, []));
            var (ports, healthCheck, portsTaken) = await AllocatePortsAsync(service, held, ct).ConfigureAwait(false);
            return (service with { Spec = service.Spec with { Ports = ports, HealthCheckNodePort = healthCheck } }, new ServiceAllocations(ipTaken, portsTaken));
        }
        catch
        {
            await ReleaseQuietlyAsync(new ServiceAllocations(ipTaken, [])).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<int> AllocateIpAsync(Service service, string? requested, CancellationToken ct)
    {
        var range = IpRange;
        if (requested is not null)
        {
            var offset = range.OffsetOf(requested);
            if (offset < 0)
                throw AllocationFailure.Invalid(service, "spec.clusterIP", Quote(requested), $"failed to allocate IP {requested}: provided IP is not in the valid range. The range of valid IPs is {range}");
            var free = await _ips.UpdateAsync(bitmap => bitmap.Set(offset) ? (true, true) : (false, false), ct).ConfigureAwait(false);
            if (!free)
                throw AllocationFailure.Invalid(service, "spec.clusterIP", Quote(requested), $"failed to allocate IP {requested}: provided IP is already allocated");
            return offset;
        }
        var allocated = await _ips.UpdateAsync(bitmap =>
        {
            // The upper band first (random start, then upward), the band users pick addresses from only when it is full.
            var offset = bitmap.FindFree(_ipRandom.Next(range.StaticBandEnd, range.Size - 1), range.StaticBandEnd, range.Size - 1);
            if (offset < 0)
                offset = bitmap.FindFree(1, 1, range.StaticBandEnd);
            return offset < 0 ? (false, -1) : (bitmap.Set(offset), offset);
        }, ct).ConfigureAwait(false);
        if (allocated < 0)
            throw AllocationFailure.Invalid(service, "spec.clusterIP", "\"\"", $"failed to allocate a service IP: range is full (every address of the service CIDR {range} is taken)");
        return allocated;
    }

    /// <summary>
    /// Every port's node port and the health-check node port (a LoadBalancer with externalTrafficPolicy Local, as
    /// Kubernetes allocates it), taken in one write: all of them or, with the first refusal, none.
    /// </summary>
    private async Task<(List<ServicePort> Ports, int? HealthCheck, IReadOnlyList<int> Taken)> AllocatePortsAsync(Service service, ServiceAllocations held, CancellationToken ct)
    {
        var range = PortRange;
        var source = service.Spec.Ports ?? [];
        var result = await _ports.UpdateAsync<(List<ServicePort>? Ports, int? HealthCheck, List<int> Taken, ApiException? Error)>(bitmap =>
        {
            var ports = new List<ServicePort>(source.Count);
            var taken = new List<int>();
            for (var i = 0; i < source.Count; i++)
            {
                var port = source[i];
                if (port.NodePort is { } requested and not 0)
                {
                    var offset = range.OffsetOf(requested);
                    if (offset < 0)
                        return (false, (null, null, [], AllocationFailure.Invalid(service, $"spec.ports[{i}].nodePort", requested.ToString(CultureInfo.InvariantCulture), $"provided port is not in the valid range. The range of valid ports is {range}")));
                    // Already this service's (kept across the update, or the same port number for TCP and UDP): no new allocation.
                    if (!held.PortOffsets.Contains(offset) && !taken.Contains(offset) && !bitmap.Set(offset))
                        return (false, (null, null, [], AllocationFailure.Invalid(service, $"spec.ports[{i}].nodePort", requested.ToString(CultureInfo.InvariantCulture), "provided port is already allocated")));
                    if (!held.PortOffsets.Contains(offset) && !taken.Contains(offset))
                        taken.Add(offset);
                    ports.Add(port);
                    continue;
                }
                var band = Math.Min(Math.Max(16, range.Size / 32), 128);
                var free = range.Size > band ? bitmap.FindFree(_portRandom.Next(band, range.Size), band, range.Size) : -1;
                if (free < 0)
                    free = bitmap.FindFree(0, 0, Math.Min(band, range.Size));
                if (free < 0)
                    return (false, (null, null, [], AllocationFailure.Invalid(service, $"spec.ports[{i}].nodePort", "0", $"failed to allocate a node port: range is full (every port of {range} is taken)")));
                bitmap.Set(free);
                taken.Add(free);
                ports.Add(port with { NodePort = range.First + free });
            }
            int? healthCheck = null;
            if (NeedsHealthCheck(service))
            {
                const string field = "spec.healthCheckNodePort";
                if (service.Spec.HealthCheckNodePort is { } requested and not 0)
                {
                    var offset = range.OffsetOf(requested);
                    var text = requested.ToString(CultureInfo.InvariantCulture);
                    if (offset < 0)
                        return (false, (null, null, [], AllocationFailure.Invalid(service, field, text, $"provided port is not in the valid range. The range of valid ports is {range}")));
                    if (taken.Contains(offset) || (!held.PortOffsets.Contains(offset) && !bitmap.Set(offset)))
                        return (false, (null, null, [], AllocationFailure.Invalid(service, field, text, "provided port is already allocated")));
                    if (!held.PortOffsets.Contains(offset))
                        taken.Add(offset);
                    healthCheck = requested;
                }
                else
                {
                    var free = bitmap.FindFree(_portRandom.Next(0, range.Size), 0, range.Size);
                    if (free < 0)
                        return (false, (null, null, [], AllocationFailure.Invalid(service, field, "0", $"failed to allocate a node port: range is full (every port of {range} is taken)")));
                    bitmap.Set(free);
                    taken.Add(free);
                    healthCheck = range.First + free;
                }
            }
            return (taken.Count > 0, (ports, healthCheck, taken, null));
        }, ct).ConfigureAwait(false);
        if (result.Error is not null)
            throw result.Error;
        return (result.Ports!, result.HealthCheck, result.Taken);
    }

    /// <summary>Kubernetes' NeedsHealthCheck: a LoadBalancer whose external traffic stays on the receiving node.</summary>
    internal static bool NeedsHealthCheck(Service service) => service.Spec.Type == "LoadBalancer" && service.Spec.ExternalTrafficPolicy == "Local";

    private async Task ReleaseQuietlyAsync(ServiceAllocations allocations)
    {
        if (allocations.IsEmpty)
            return;
        try
        {
            // Not the caller's token: a request cancelled after its Service write must still give back what it took.
            if (allocations.IpOffsets.Count > 0)
                await _ips.UpdateAsync(bitmap => (Clear(bitmap, allocations.IpOffsets), 0), CancellationToken.None).ConfigureAwait(false);
            if (allocations.PortOffsets.Count > 0)
                await _ports.UpdateAsync(bitmap => (Clear(bitmap, allocations.PortOffsets), 0), CancellationToken.None).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            LogReleaseFailed(e.Message);
        }
    }

    private static bool Clear(AllocationBitmap bitmap, IReadOnlyList<int> offsets)
    {
        var any = false;
        foreach (var offset in offsets)
            any |= bitmap.Clear(offset);
        return any;
    }

    internal static bool UsesNodePorts(Service service) => service.Spec.Type is "NodePort" or "LoadBalancer";

    private static string Quote(string? value) => "\"" + value + "\"";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not free a service's cluster IP or node ports ({Reason}); the allocation repair frees them later")]
    private partial void LogReleaseFailed(string reason);
}
