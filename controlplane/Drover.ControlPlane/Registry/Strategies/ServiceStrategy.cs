using Drover.Api;
using Drover.ControlPlane.Registry.Allocation;

namespace Drover.ControlPlane.Registry.Strategies;

/// <summary>
/// A Service gets its cluster IP and node ports with its write and gives them back when removed; an update that
/// leaves them out keeps the allocated ones (a replayed manifest never names them), as Kubernetes' Service REST
/// storage does.
/// </summary>
public sealed class ServiceStrategy(ServiceAllocator allocator) : ResourceStrategy
{
    private readonly ServiceAllocator _allocator = allocator ?? throw new ArgumentNullException(nameof(allocator));

    public override Task<KubeObject> CreateAsync(KubeObject obj, Func<KubeObject, Task<KubeObject>> write, CancellationToken ct) =>
        obj is Service service ? _allocator.CreateAsync(service, write, ct) : base.CreateAsync(obj, write, ct);

    public override KubeObject PrepareForUpdate(KubeObject incoming, KubeObject existing)
    {
        if (incoming is not Service updated || existing is not Service old || updated.Spec is not { } spec)
            return incoming;
        if (spec.Type != "ExternalName" && old.Spec.Type != "ExternalName" && string.IsNullOrEmpty(spec.ClusterIP) && spec.ClusterIPs is not { Count: > 0 })
            spec = spec with { ClusterIP = old.Spec.ClusterIP, ClusterIPs = old.Spec.ClusterIPs };
        var nodePorts = spec.Type is "NodePort" or "LoadBalancer";
        var hadNodePorts = old.Spec.Type is "NodePort" or "LoadBalancer";
        if (spec.Ports is { } ports && hadNodePorts)
        {
            var carried = new List<ServicePort>(ports.Count);
            foreach (var port in ports)
            {
                var previous = port is null ? null : old.Spec.Ports?.Find(p => p.Port == port.Port && (p.Protocol ?? "TCP") == (port.Protocol ?? "TCP"));
                if (port is null || previous?.NodePort is not { } held)
                    carried.Add(port!);
                else if (nodePorts && port.NodePort is null or 0)
                    carried.Add(port with { NodePort = held });
                else if (!nodePorts && port.NodePort == held)
                    carried.Add(port with { NodePort = null }); // type back to ClusterIP: the node ports go with it
                else
                    carried.Add(port);
            }
            spec = spec with { Ports = carried };
        }
        // Kubernetes' dropTypeDependentFields: a field the new type has no use for goes, unless the update set it
        // anew (then validation says why it may not be there).
        if (!nodePorts && hadNodePorts && spec.ExternalTrafficPolicy == old.Spec.ExternalTrafficPolicy)
            spec = spec with { ExternalTrafficPolicy = null };
        if (spec.Type == "ExternalName" && old.Spec.Type != "ExternalName" && spec.InternalTrafficPolicy == old.Spec.InternalTrafficPolicy)
            spec = spec with { InternalTrafficPolicy = null };
        var needsHealthCheck = spec.Type == "LoadBalancer" && spec.ExternalTrafficPolicy == "Local";
        if (ServiceAllocator.NeedsHealthCheck(old) && old.Spec.HealthCheckNodePort is { } heldHealthCheck)
        {
            if (needsHealthCheck && spec.HealthCheckNodePort is null or 0)
                spec = spec with { HealthCheckNodePort = heldHealthCheck };
            else if (!needsHealthCheck && spec.HealthCheckNodePort == heldHealthCheck)
                spec = spec with { HealthCheckNodePort = null };
        }
        return updated with { Spec = spec };
    }

    public override Task<KubeObject> UpdateAsync(KubeObject updated, KubeObject existing, Func<KubeObject, Task<KubeObject>> write, CancellationToken ct) =>
        updated is Service service && existing is Service old ? _allocator.UpdateAsync(service, old, write, ct) : base.UpdateAsync(updated, existing, write, ct);

    public override Task RemovedAsync(KubeObject removed, CancellationToken ct) =>
        removed is Service service ? _allocator.ReleaseAsync(service) : Task.CompletedTask;
}
