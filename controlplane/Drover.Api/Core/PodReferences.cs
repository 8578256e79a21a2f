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
        // volumes (secret, configMap, projected sources) go here when PodSpec has them.
    }

    private static IEnumerable<PodReference> OfContainer(Container? container)
    {
        if (container is null)
            yield break;
        // env[].valueFrom.secretKeyRef / configMapKeyRef and envFrom[].secretRef / configMapRef go here when
        // EnvVar and Container have them; today an env var is a literal value and references nothing.
    }
}
