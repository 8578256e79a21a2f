using Drover.Api;

namespace Drover.ControlPlane.Storage;

/// <summary>Objects every cluster has from its first start: the namespaces Kubernetes users expect.</summary>
public static class Bootstrap
{
    public static readonly string[] Namespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    public static async Task EnsureAsync(ObjectStore objects, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNowSeconds();
        foreach (var name in Namespaces)
        {
            if (await objects.GetAsync(ResourceTypes.Namespaces, null, name, ct).ConfigureAwait(false) is not null)
                continue;
            var ns = new Namespace
            {
                ApiVersion = "v1",
                Kind = "Namespace",
                Metadata = new ObjectMeta { Name = name, Uid = Guid.NewGuid().ToString(), CreationTimestamp = now, Generation = 1 },
                Status = new NamespaceStatus { Phase = "Active" },
            };
            try
            {
                await objects.CreateAsync(ResourceTypes.Namespaces, ns, ct).ConfigureAwait(false);
            }
            catch (Api.ApiException e) when (e.Status.Code == 409)
            {
                // Created concurrently (another replica): fine.
            }
        }
    }
}
