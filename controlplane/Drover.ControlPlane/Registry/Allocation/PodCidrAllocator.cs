using System.Net;
using Drover.Api;
using Drover.ControlPlane.Storage;

namespace Drover.ControlPlane.Registry.Allocation;

/// <summary>
/// Gives each new node the lowest free podCIDR carved from the cluster CIDR (10.42.0.0/16 in /24s by
/// default, as k3s). Allocation is serialised so two nodes registering at once never share a range.
/// </summary>
public sealed class PodCidrAllocator
{
    private readonly ObjectStore _objects;
    private readonly uint _base;
    private readonly int _clusterBits;
    private readonly int _nodeBits;
    private readonly SemaphoreSlim _lock = new(1, 1);

    public PodCidrAllocator(ObjectStore objects, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(options);
        _objects = objects;
        (_base, _clusterBits) = ParseIPv4Cidr(options.ClusterCidr);
        _nodeBits = options.NodeCidrMaskSize;
        if (_nodeBits < _clusterBits || _nodeBits > 30)
            throw new ArgumentException($"--node-cidr-mask-size {_nodeBits} must be between the cluster prefix /{_clusterBits} and /30");
    }

    /// <summary>Runs <paramref name="create"/> with the node given a free podCIDR, under the allocation lock.</summary>
    public async Task<KubeObject> CreateWithCidrAsync(Node node, Func<Node, Task<KubeObject>> create, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(create);
        if (!string.IsNullOrEmpty(node.Spec.PodCIDR))
            return await create(node).ConfigureAwait(false);
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            var nodes = await _objects.ListValuesAsync(ResourceTypes.Nodes, null, null, 0, share: true, ct).ConfigureAwait(false);
            foreach (var value in nodes.Items)
                if (value.Object is Node { Spec.PodCIDR: { } cidr })
                    used.Add(cidr);
            var count = 1u << (_nodeBits - _clusterBits);
            for (var i = 0u; i < count; i++)
            {
                var cidr = $"{ToAddress(_base + (i << (32 - _nodeBits)))}/{_nodeBits}";
                if (used.Contains(cidr))
                    continue;
                return await create(node with { Spec = node.Spec with { PodCIDR = cidr, PodCIDRs = [cidr] } }).ConfigureAwait(false);
            }
            throw new ApiException(ApiErrors.Forbidden($"no podCIDR left in the cluster CIDR {ToAddress(_base)}/{_clusterBits}: all {count} /{_nodeBits} ranges are taken"));
        }
        finally
        {
            _lock.Release();
        }
    }

    internal static (uint Base, int Bits) ParseIPv4Cidr(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !int.TryParse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var bits) || bits is < 8 or > 30)
            throw new ArgumentException($"--cluster-cidr \"{cidr}\" is not an IPv4 CIDR such as 10.42.0.0/16");
        var bytes = ip.GetAddressBytes();
        var value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        return (value & (uint.MaxValue << (32 - bits)), bits);
    }

    private static string ToAddress(uint value) => $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}";
}
