using Drover.ControlPlane.Observability;
using Drover.ControlPlane.Registry;
using Drover.ControlPlane.Registry.Allocation;
using Drover.ControlPlane.Registry.Strategies;
using Drover.ControlPlane.Storage;
using Drover.Store;

namespace Drover.ControlPlane.Testing;

/// <summary>droverd's registry composed over a real store, as DroverServer composes it, for in-process controller tests.</summary>
public static class InProcessRegistry
{
    /// <param name="namespaces">On a remote store DroverServer adds the namespace watch; a test gives it here, made over the registry's ObjectStore.</param>
    public static ObjectService Create(IStore store, TimeProvider time, ServerOptions? options = null, Func<ObjectStore, NamespaceCache>? namespaces = null)
    {
        var objects = new ObjectStore(store, new ApiMetrics(Prometheus.Metrics.NewCustomRegistry()));
        options ??= new ServerOptions { DataDirectory = Path.GetTempPath() };
        var services = new ServiceAllocator(new RangeStore(objects), options, Microsoft.Extensions.Logging.Abstractions.NullLogger<ServiceAllocator>.Instance);
        var strategies = new ResourceStrategies(new PodCidrAllocator(objects, options), services);
        return new ObjectService(objects, time, new ObjectDeleter(objects, time, strategies), strategies, namespaces?.Invoke(objects));
    }
}
