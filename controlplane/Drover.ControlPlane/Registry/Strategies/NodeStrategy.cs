using Drover.Api;
using Drover.ControlPlane.Registry.Allocation;

namespace Drover.ControlPlane.Registry.Strategies;

/// <summary>A new node gets the lowest free podCIDR of the cluster CIDR (unless it names one), under the allocator's lock.</summary>
public sealed class NodeStrategy(PodCidrAllocator cidrs) : ResourceStrategy
{
    private readonly PodCidrAllocator _cidrs = cidrs ?? throw new ArgumentNullException(nameof(cidrs));

    public override Task<KubeObject> CreateAsync(KubeObject obj, Func<KubeObject, Task<KubeObject>> write, CancellationToken ct) =>
        obj is Node node ? _cidrs.CreateWithCidrAsync(node, n => write(n), ct) : base.CreateAsync(obj, write, ct);
}
