using Drover.Api;

namespace Drover.Ingress.Config;

using Ingress = Drover.Api.Ingress;

/// <summary>
/// Which ingresses are ours: spec.ingressClassName (or the legacy kubernetes.io/ingress.class annotation)
/// naming our class, or no class at all while our IngressClass is marked the cluster default — the
/// rule Kubernetes' DefaultIngressClass admission applies when it fills the field in.
/// </summary>
public static class IngressClassFilter
{
    public const string LegacyClassAnnotation = WellKnownAnnotations.IngressClass;

    public static bool IsServed(Ingress ingress, string className, IReadOnlyDictionary<string, IngressClass> classes)
    {
        ArgumentNullException.ThrowIfNull(ingress);
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(classes);
        if (!string.IsNullOrEmpty(ingress.Spec.IngressClassName))
            return ingress.Spec.IngressClassName == className;
        if (ingress.Metadata.Annotations?.GetValueOrDefault(LegacyClassAnnotation) is { Length: > 0 } legacy)
            return legacy == className;
        return classes.TryGetValue(className, out var ours)
            && string.Equals(ours.Metadata.Annotations?.GetValueOrDefault(WellKnownAnnotations.IngressClassIsDefault), "true", StringComparison.OrdinalIgnoreCase);
    }
}
