namespace Drover.Api;

/// <summary>
/// Kubernetes SetDefaults_PodSpec, _Container, _Probe and _HTTPGetAction. Every method returns new
/// records and new collections; the input is never touched because callers (watch caches, the store)
/// may share it.
/// </summary>
internal static class PodDefaults
{
    public const string DefaultSchedulerName = "default-scheduler";
    public const string DefaultTerminationMessagePath = "/dev/termination-log";

    public static Pod Apply(Pod pod)
    {
        var spec = pod.Spec is null ? null : ApplyToSpec(pod.Spec);
        if (spec is not null)
        {
            // Only pods, not templates (as in Kubernetes' SetDefaults_Pod): a template keeps what the user wrote.
            spec = spec with
            {
                Containers = Map(spec.Containers, RequestsFromLimits)!,
                InitContainers = Map(spec.InitContainers, RequestsFromLimits),
            };
        }
        return pod with { Spec = spec! };
    }

    public static PodTemplateSpec? ApplyToTemplate(PodTemplateSpec? template) =>
        template?.Spec is null ? template : template with { Spec = ApplyToSpec(template.Spec) };

    public static PodSpec ApplyToSpec(PodSpec spec)
    {
        var hostNetwork = spec.HostNetwork == true;
        return spec with
        {
            RestartPolicy = spec.RestartPolicy ?? "Always",
            TerminationGracePeriodSeconds = spec.TerminationGracePeriodSeconds ?? 30,
            DnsPolicy = spec.DnsPolicy ?? "ClusterFirst",
            SchedulerName = spec.SchedulerName ?? DefaultSchedulerName,
            Containers = Map(spec.Containers, c => ApplyToContainer(c, hostNetwork))!,
            InitContainers = Map(spec.InitContainers, c => ApplyToContainer(c, hostNetwork)),
            Volumes = Map(spec.Volumes, VolumeDefaults.Apply),
        };
    }

    private static Container ApplyToContainer(Container container, bool hostNetwork) => container with
    {
        ImagePullPolicy = container.ImagePullPolicy ?? DefaultPullPolicy(container.Image),
        TerminationMessagePath = container.TerminationMessagePath ?? DefaultTerminationMessagePath,
        Env = Map(container.Env, VolumeDefaults.ApplyToEnv),
        Ports = Map(container.Ports, port => port with
        {
            Protocol = port.Protocol ?? "TCP",
            // On the host network the container's port is the host's port.
            HostPort = port.HostPort ?? (hostNetwork ? port.Port : null),
        }),
        LivenessProbe = ApplyToProbe(container.LivenessProbe),
        ReadinessProbe = ApplyToProbe(container.ReadinessProbe),
        StartupProbe = ApplyToProbe(container.StartupProbe),
        Lifecycle = container.Lifecycle is null ? null : container.Lifecycle with
        {
            PostStart = ApplyToHandler(container.Lifecycle.PostStart),
            PreStop = ApplyToHandler(container.Lifecycle.PreStop),
        },
    };

    /// <summary>
    /// "latest" (or no tag, which means latest) moves, so it is pulled every time; any other tag or a
    /// digest names fixed content, so a cached copy is fine.
    /// </summary>
    internal static string? DefaultPullPolicy(string? image)
    {
        if (string.IsNullOrWhiteSpace(image))
            return null;
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var name = at >= 0 ? image[..at] : image;
        // The tag is after the last ':' of the last path segment ("host:5000/app" has a port, not a tag).
        var lastSegment = name[(name.LastIndexOf('/') + 1)..];
        var colon = lastSegment.LastIndexOf(':');
        var tag = colon >= 0 ? lastSegment[(colon + 1)..] : (at >= 0 ? "" : "latest");
        return tag == "latest" ? "Always" : "IfNotPresent";
    }

    private static Probe? ApplyToProbe(Probe? probe) => probe is null ? null : probe with
    {
        TimeoutSeconds = probe.TimeoutSeconds ?? 1,
        PeriodSeconds = probe.PeriodSeconds ?? 10,
        SuccessThreshold = probe.SuccessThreshold ?? 1,
        FailureThreshold = probe.FailureThreshold ?? 3,
        HttpGet = ApplyToHttpGet(probe.HttpGet),
    };

    private static LifecycleHandler? ApplyToHandler(LifecycleHandler? handler) =>
        handler is null ? null : handler with { HttpGet = ApplyToHttpGet(handler.HttpGet) };

    private static HttpGetAction? ApplyToHttpGet(HttpGetAction? action) => action is null ? null : action with
    {
        Path = action.Path ?? "/",
        Scheme = action.Scheme ?? "HTTP",
    };

    /// <summary>A limit without a request reserves the limit: the scheduler must not place the pod on less.</summary>
    private static Container RequestsFromLimits(Container container)
    {
        if (container.Resources?.Limits is not { Count: > 0 } limits)
            return container;
        var requests = container.Resources.Requests;
        var missing = false;
        foreach (var name in limits.Keys)
            missing |= requests is null || !requests.ContainsKey(name);
        if (!missing)
            return container;
        var merged = requests is null ? new Dictionary<string, Quantity>(StringComparer.Ordinal) : new Dictionary<string, Quantity>(requests, requests.Comparer);
        foreach (var (name, limit) in limits)
            merged.TryAdd(name, limit);
        return container with { Resources = container.Resources with { Requests = merged } };
    }

    /// <summary>A new list (never the input one) with <paramref name="apply"/> on each non-null item.</summary>
    internal static List<T>? Map<T>(List<T>? items, Func<T, T> apply) where T : class
    {
        if (items is null)
            return null;
        var result = new List<T>(items.Count);
        foreach (var item in items)
            result.Add(item is null ? item! : apply(item));
        return result;
    }
}
