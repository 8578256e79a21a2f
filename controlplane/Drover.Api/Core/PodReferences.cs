namespace Drover.Api;

/// <summary>An object a pod needs from the API to run, in the pod's own namespace (a Secret or a ConfigMap).</summary>
public readonly record struct PodReference(ResourceType Type, string Name);

/// <summary>
/// Every object a pod references by name (Kubernetes' podutil VisitPodSecretNames and VisitPodConfigmapNames).
/// The one place that knows where references live in a PodSpec: droverd's node authorizer lets a node read
/// exactly these for the pods bound to it, and the agent fetches them. A field that gains a reference (volumes,
/// envFrom, env valueFrom) is added here and nowhere else.
/// </summary>
public static class PodReferences
{
    public static IEnumerable<PodReference> Of(PodSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        foreach (var pullSecret in spec.ImagePullSecrets ?? [])
        {
            if (!string.IsNullOrEmpty(pullSecret?.Name))
                yield return new PodReference(ResourceTypes.Secrets, pullSecret.Name);
        }
        foreach (var container in spec.InitContainers ?? [])
        {
            foreach (var reference in OfContainer(container))
                yield return reference;
        }
        foreach (var container in spec.Containers ?? [])
        {
            foreach (var reference in OfContainer(container))
                yield return reference;
        }
        foreach (var volume in spec.Volumes ?? [])
        {
            foreach (var reference in OfVolume(volume))
                yield return reference;
        }
    }

    private static IEnumerable<PodReference> OfVolume(Volume? volume)
    {
        if (volume is null)
            yield break;
        if (volume.Secret?.SecretName is { Length: > 0 } secret)
            yield return new PodReference(ResourceTypes.Secrets, secret);
        if (volume.ConfigMap?.Name is { Length: > 0 } configMap)
            yield return new PodReference(ResourceTypes.ConfigMaps, configMap);
        foreach (var source in volume.Projected?.Sources ?? [])
        {
            if (source?.Secret?.Name is { Length: > 0 } projectedSecret)
                yield return new PodReference(ResourceTypes.Secrets, projectedSecret);
            if (source?.ConfigMap?.Name is { Length: > 0 } projectedConfigMap)
                yield return new PodReference(ResourceTypes.ConfigMaps, projectedConfigMap);
        }
    }

    private static IEnumerable<PodReference> OfContainer(Container? container)
    {
        if (container is null)
            yield break;
        foreach (var env in container.Env ?? [])
        {
            if (env?.ValueFrom?.SecretKeyRef?.Name is { Length: > 0 } secret)
                yield return new PodReference(ResourceTypes.Secrets, secret);
            if (env?.ValueFrom?.ConfigMapKeyRef?.Name is { Length: > 0 } configMap)
                yield return new PodReference(ResourceTypes.ConfigMaps, configMap);
        }
        foreach (var from in container.EnvFrom ?? [])
        {
            if (from?.SecretRef?.Name is { Length: > 0 } secret)
                yield return new PodReference(ResourceTypes.Secrets, secret);
            if (from?.ConfigMapRef?.Name is { Length: > 0 } configMap)
                yield return new PodReference(ResourceTypes.ConfigMaps, configMap);
        }
    }
}
