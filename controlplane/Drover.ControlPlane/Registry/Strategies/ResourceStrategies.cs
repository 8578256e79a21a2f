using Drover.Api;
using Drover.ControlPlane.Registry.Allocation;

namespace Drover.ControlPlane.Registry.Strategies;

/// <summary>The strategy of each kind; kinds with nothing particular get <see cref="ResourceStrategy.Default"/>.</summary>
public sealed class ResourceStrategies
{
    private readonly Dictionary<ResourceType, IResourceStrategy> _byType;

    public ResourceStrategies(PodCidrAllocator cidrs, ServiceAllocator services)
    {
        ArgumentNullException.ThrowIfNull(cidrs);
        ArgumentNullException.ThrowIfNull(services);
        _byType = new()
        {
            [ResourceTypes.Pods] = new PodStrategy(),
            [ResourceTypes.Nodes] = new NodeStrategy(cidrs),
            [ResourceTypes.Namespaces] = new NamespaceStrategy(),
            [ResourceTypes.Jobs] = new JobStrategy(),
            [ResourceTypes.Services] = new ServiceStrategy(services),
        };
    }

    public IResourceStrategy For(ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _byType.GetValueOrDefault(type, ResourceStrategy.Default);
    }
}
