using Drover.Api;

namespace Drover.Cli.Pods;

/// <summary>
/// The container a command uses when -c is not given, as kubectl 1.32 picks it: the one the
/// <c>kubectl.kubernetes.io/default-container</c> annotation names, else the first app container, saying
/// <c>Defaulted container "X" out of: …</c> on stderr when the pod has more than one container (init ones included).
/// </summary>
internal static class DefaultContainer
{
    public const string Annotation = "kubectl.kubernetes.io/default-container";

    /// <summary>podcmd.FindOrDefaultContainerByName (exec): an annotation naming no container is passed over silently.</summary>
    public static string ForExec(Pod pod, TextWriter error) => Choose(pod, error, sayAnnotationMissing: false);

    /// <summary>logsForObjectWithClient (logs): an annotation naming no container is said on stderr before the fallback.</summary>
    public static string ForLogs(Pod pod, TextWriter error) => Choose(pod, error, sayAnnotationMissing: true);

    /// <summary>kubectl's FindContainerByName: app and init containers.</summary>
    public static bool Exists(Pod pod, string name)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Spec.Containers.Exists(c => c.Name == name) || (pod.Spec.InitContainers?.Exists(c => c.Name == name) ?? false);
    }

    /// <summary>kubectl's AllContainerNames: "init1 (init), app, sidecar".</summary>
    public static string AllNames(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return string.Join(", ", (pod.Spec.InitContainers ?? []).Select(c => c.Name + " (init)").Concat(pod.Spec.Containers.Select(c => c.Name)));
    }

    private static string Choose(Pod pod, TextWriter error, bool sayAnnotationMissing)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(error);
        if (pod.Spec.Containers.Count == 0)
            throw new CliException($"error: pod {pod.Metadata.Namespace}/{pod.Metadata.Name} does not have any containers");
        if (pod.Metadata.Annotations?.GetValueOrDefault(Annotation) is { Length: > 0 } annotated)
        {
            if (Exists(pod, annotated))
                return annotated;
            if (sayAnnotationMissing)
                error.WriteLine($"Default container name \"{annotated}\" not found in pod {pod.Metadata.Name}");
        }
        var first = pod.Spec.Containers[0].Name;
        if (pod.Spec.Containers.Count > 1 || pod.Spec.InitContainers is { Count: > 0 })
            error.WriteLine($"Defaulted container \"{first}\" out of: {AllNames(pod)}");
        return first;
    }
}
