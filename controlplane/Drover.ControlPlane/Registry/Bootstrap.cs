using Drover.Api;
using Drover.Api.PodNetwork;

namespace Drover.ControlPlane.Registry;

/// <summary>
/// Objects every cluster has from its first start: the namespaces Kubernetes users expect, and the
/// IngressClass of drover-ingress marked the default, so class-less Ingresses (the seed's) are served,
/// as k3s ships Traefik's. An existing one is never overwritten (an admin's edit stays); a deleted one
/// comes back at the next start.
/// </summary>
public static class Bootstrap
{
    public static readonly string[] Namespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];
    public const string IngressClassName = "drover";
    public const string IngressController = "drover.io/ingress-controller";

    public static async Task EnsureAsync(ObjectService objects, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(objects);
        foreach (var name in Namespaces)
        {
            if (await objects.GetAsync(ResourceTypes.Namespaces, null, name, ct).ConfigureAwait(false) is not null)
                continue;
            var ns = new Namespace
            {
                ApiVersion = "v1",
                Kind = "Namespace",
                Metadata = new ObjectMeta { Name = name },
            };
            try
            {
                await objects.CreateAsync(ResourceTypes.Namespaces, ns, ct).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Status.Code == 409)
            {
                // Created concurrently (another replica): fine.
            }
        }
        if (await objects.GetAsync(ResourceTypes.IngressClasses, null, IngressClassName, ct).ConfigureAwait(false) is null)
        {
            var ingressClass = new IngressClass
            {
                ApiVersion = "networking.k8s.io/v1",
                Kind = "IngressClass",
                Metadata = new ObjectMeta
                {
                    Name = IngressClassName,
                    Annotations = new() { [WellKnownAnnotations.IngressClassIsDefault] = "true" },
                },
                Spec = new IngressClassSpec { Controller = IngressController },
            };
            try
            {
                await objects.CreateAsync(ResourceTypes.IngressClasses, ingressClass, ct).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Status.Code == 409)
            {
            }
        }
    }

    /// <summary>
    /// Publishes the pod network every agent sets up (ConfigMap kube-system/drover-pod-network, flannel's net-conf.json):
    /// droverd's flags are its truth, so a changed flag rewrites it at the next start. Returns whether it wrote.
    /// </summary>
    public static async Task<bool> EnsurePodNetworkAsync(ObjectService objects, PodNetworkSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(settings);
        var data = settings.ToData();
        // Written concurrently (another replica): read it again.
        return await ConflictRetry.RetryOnConflictAsync(async token =>
        {
            var existing = await objects.GetAsync(ResourceTypes.ConfigMaps, PodNetworkSettings.ConfigMapNamespace, PodNetworkSettings.ConfigMapName, token).ConfigureAwait(false);
            if (existing is not null && existing.Data is { } current && LabelMaps.Same(current, data))
                return false;
            if (existing is null)
            {
                await objects.CreateAsync(ResourceTypes.ConfigMaps, new ConfigMap
                {
                    ApiVersion = "v1",
                    Kind = "ConfigMap",
                    Metadata = new ObjectMeta { Name = PodNetworkSettings.ConfigMapName, Namespace = PodNetworkSettings.ConfigMapNamespace },
                    Data = data,
                }, token).ConfigureAwait(false);
            }
            else
            {
                await objects.UpdateAsync(ResourceTypes.ConfigMaps, existing with { Data = data }, statusOnly: false, token).ConfigureAwait(false);
            }
            return true;
        }, ct: ct).ConfigureAwait(false);
    }
}
