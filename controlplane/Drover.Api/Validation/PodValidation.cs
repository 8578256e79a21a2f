namespace Drover.Api;

/// <summary>
/// Pod specs, standalone or inside a template (Kubernetes ValidatePodSpec). Fields that defaulting
/// fills are skipped when null, so an undefaulted object is judged only on what it says.
/// </summary>
internal static class PodValidation
{
    private static readonly string[] RestartPolicies = ["Always", "OnFailure", "Never"];
    private static readonly string[] DnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
    private static readonly string[] PullPolicies = ["Always", "IfNotPresent", "Never"];
    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];

    /// <summary>Kubernetes' default, used to bound preStop sleeps before defaulting has filled the field.</summary>
    private const long DefaultGracePeriodSeconds = 30;

    public static void Validate(Pod pod, ErrorList errors)
    {
        MetadataValidation.Validate(pod.Metadata, namespaced: true, NameRules.Dns1123Subdomain, errors);
        ValidateSpec(pod.Spec, "spec", errors);
    }

    public static void ValidateSpec(PodSpec? spec, string path, ErrorList errors)
    {
        if (spec is null)
        {
            errors.Required(path);
            return;
        }
        var hostNetwork = spec.HostNetwork == true;
        var grace = spec.TerminationGracePeriodSeconds ?? DefaultGracePeriodSeconds;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var containerNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in spec.Containers ?? [])
            containerNames.Add(c?.Name ?? "");
        var volumes = VolumeValidation.ValidateVolumes(spec.Volumes, path + ".volumes", containerNames, errors);
        var context = new ContainerContext(hostNetwork, grace, names, containerNames, volumes);
        if (spec.Containers is null || spec.Containers.Count == 0)
        {
            errors.Required(path + ".containers");
        }
        else
        {
            for (var i = 0; i < spec.Containers.Count; i++)
                ValidateContainer(spec.Containers[i], $"{path}.containers[{i}]", isInit: false, context, errors);
        }
        if (spec.InitContainers is { } initContainers)
        {
            // Names are unique across both lists: logs, exec and statuses address containers by name alone.
            for (var i = 0; i < initContainers.Count; i++)
                ValidateContainer(initContainers[i], $"{path}.initContainers[{i}]", isInit: true, context, errors);
        }

        if (spec.RestartPolicy is not null && Array.IndexOf(RestartPolicies, spec.RestartPolicy) < 0)
            errors.NotSupported(path + ".restartPolicy", spec.RestartPolicy, RestartPolicies);
        errors.NonNegative(path + ".terminationGracePeriodSeconds", spec.TerminationGracePeriodSeconds);
        if (spec.ActiveDeadlineSeconds is { } deadline && deadline is < 1 or > int.MaxValue)
            errors.Invalid(path + ".activeDeadlineSeconds", deadline, "must be between 1 and 2147483647, inclusive");
        if (spec.DnsPolicy is not null && Array.IndexOf(DnsPolicies, spec.DnsPolicy) < 0)
            errors.NotSupported(path + ".dnsPolicy", spec.DnsPolicy, DnsPolicies);
        MetadataValidation.ValidateLabels(spec.NodeSelector, path + ".nodeSelector", errors);
        Check(spec.NodeName, path + ".nodeName", NameRules.Dns1123Subdomain, errors);
        Check(spec.Hostname, path + ".hostname", NameRules.Dns1123Label, errors);
        Check(spec.Subdomain, path + ".subdomain", NameRules.Dns1123Label, errors);
        Check(spec.SchedulerName, path + ".schedulerName", NameRules.Dns1123Subdomain, errors);
        Check(spec.ServiceAccountName, path + ".serviceAccountName", NameRules.Dns1123Subdomain, errors);
        if (spec.ImagePullSecrets is { } pullSecrets)
        {
            for (var i = 0; i < pullSecrets.Count; i++)
            {
                if (string.IsNullOrEmpty(pullSecrets[i]?.Name))
                    errors.Required($"{path}.imagePullSecrets[{i}].name");
                else
                    Check(pullSecrets[i].Name, $"{path}.imagePullSecrets[{i}].name", NameRules.Dns1123Subdomain, errors);
            }
        }
        TaintValidation.ValidateTolerations(spec.Tolerations, path + ".tolerations", errors);
    }

    /// <summary>What each container is judged against: the pod's settings and the names the pod defines.</summary>
    private sealed record ContainerContext(bool HostNetwork, long Grace, HashSet<string> Names, HashSet<string> ContainerNames, HashSet<string> Volumes);

    private static void ValidateContainer(Container? container, string path, bool isInit, ContainerContext context, ErrorList errors)
    {
        var (hostNetwork, grace, names) = (context.HostNetwork, context.Grace, context.Names);
        if (container is null)
        {
            errors.Required(path);
            return;
        }
        var name = container.Name ?? "";
        if (name.Length == 0)
            errors.Required(path + ".name");
        else if (NameRules.Dns1123Label(name) is { } nameProblem)
            errors.Invalid(path + ".name", name, nameProblem);
        else if (!names.Add(name))
            errors.Duplicate(path + ".name", name);

        if (string.IsNullOrEmpty(container.Image))
            errors.Required(path + ".image");
        else if (container.Image.Trim().Length != container.Image.Length)
            errors.Invalid(path + ".image", container.Image, "must not have leading or trailing whitespace");
        if (container.ImagePullPolicy is not null && Array.IndexOf(PullPolicies, container.ImagePullPolicy) < 0)
            errors.NotSupported(path + ".imagePullPolicy", container.ImagePullPolicy, PullPolicies);
        if (container.TerminationMessagePath is { Length: > 4096 } messagePath)
            errors.Invalid(path + ".terminationMessagePath", messagePath, "must not be greater than 4096 characters");

        ValidatePorts(container.Ports, path + ".ports", hostNetwork, errors);
        EnvValidation.ValidateEnv(container.Env, path + ".env", name, context.ContainerNames, errors);
        EnvValidation.ValidateEnvFrom(container.EnvFrom, path + ".envFrom", errors);
        VolumeValidation.ValidateMounts(container.VolumeMounts, path + ".volumeMounts", context.Volumes, errors);
        ResourceValidation.Validate(container.Resources, path + ".resources", errors);

        if (isInit)
        {
            // Init containers run to completion before anything else; there is nothing to probe or hook.
            ForbidOnInit(container.LivenessProbe, path + ".livenessProbe", errors);
            ForbidOnInit(container.ReadinessProbe, path + ".readinessProbe", errors);
            ForbidOnInit(container.StartupProbe, path + ".startupProbe", errors);
            ForbidOnInit(container.Lifecycle, path + ".lifecycle", errors);
            return;
        }
        ProbeValidation.ValidateProbe(container.LivenessProbe, path + ".livenessProbe", successMustBeOne: true, errors);
        ProbeValidation.ValidateProbe(container.ReadinessProbe, path + ".readinessProbe", successMustBeOne: false, errors);
        ProbeValidation.ValidateProbe(container.StartupProbe, path + ".startupProbe", successMustBeOne: true, errors);
        ProbeValidation.ValidateLifecycle(container.Lifecycle, path + ".lifecycle", grace, errors);
        // preStop hooks run when a pod is deleted (PodWorker.PreStop); postStart is not run yet.
        if (container.Lifecycle is { PostStart: not null })
            errors.Forbidden(path + ".lifecycle.postStart", "postStart hooks are not run by the Drover agent yet");
    }

    private static void ValidatePorts(List<ContainerPort>? ports, string path, bool hostNetwork, ErrorList errors)
    {
        if (ports is null)
            return;
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var at = $"{path}[{i}]";
            var port = ports[i];
            if (port is null)
            {
                errors.Required(at);
                continue;
            }
            if (!string.IsNullOrEmpty(port.Name))
            {
                if (NameRules.PortName(port.Name) is { } nameProblem)
                    errors.Invalid(at + ".name", port.Name, nameProblem);
                else if (!names.Add(port.Name))
                    errors.Duplicate(at + ".name", port.Name);
            }
            if (port.Port == 0)
                errors.Required(at + ".containerPort");
            else if (NameRules.PortNumber(port.Port) is { } portProblem)
                errors.Invalid(at + ".containerPort", port.Port, portProblem);
            // hostPort 0 means "not exposed on the host".
            if (port.HostPort is { } hostPort and not 0)
            {
                if (NameRules.PortNumber(hostPort) is { } hostProblem)
                    errors.Invalid(at + ".hostPort", hostPort, hostProblem);
                else if (hostNetwork && hostPort != port.Port)
                    errors.Invalid(at + ".hostPort", hostPort, "must match `containerPort` when `hostNetwork` is true");
            }
            if (port.Protocol is not null && Array.IndexOf(Protocols, port.Protocol) < 0)
                errors.NotSupported(at + ".protocol", port.Protocol, Protocols);
        }
    }

    private static void ForbidOnInit(object? value, string path, ErrorList errors)
    {
        if (value is not null)
            errors.Forbidden(path, "may not be set for init containers");
    }

    private static void Check(string? value, string path, Func<string, string?> rule, ErrorList errors)
    {
        if (!string.IsNullOrEmpty(value) && rule(value) is { } problem)
            errors.Invalid(path, value, problem);
    }

    /// <summary>
    /// Pods are immutable once scheduled except for images, a shortened deadline and added tolerations
    /// (Kubernetes ValidatePodUpdate): the agent cannot re-create a sandbox in place for anything else.
    /// </summary>
    public static void ValidateUpdate(Pod updated, Pod existing, ErrorList errors)
    {
        var newSpec = updated.Spec;
        var oldSpec = existing.Spec;
        if (newSpec is null || oldSpec is null)
        {
            // A missing spec is reported by Validate; only a change needs saying here.
            if (!ReferenceEquals(newSpec, oldSpec) && !StructuralEquality.PodSpecs(newSpec, oldSpec))
                errors.Forbidden("spec", "pod updates may not change fields other than images, activeDeadlineSeconds and tolerations");
            return;
        }
        if (oldSpec.ActiveDeadlineSeconds is { } oldDeadline)
        {
            if (newSpec.ActiveDeadlineSeconds is not { } newDeadline)
                errors.Invalid("spec.activeDeadlineSeconds", "", "must not update from a positive integer to nil value");
            else if (newDeadline > oldDeadline)
                errors.Invalid("spec.activeDeadlineSeconds", newDeadline, "must be less than or equal to previous value");
        }
        ValidateOnlyAddedTolerations(newSpec.Tolerations, oldSpec.Tolerations, errors);

        // Compare with the mutable parts taken from the old spec (each checked above); any remaining
        // difference is forbidden.
        var masked = newSpec with
        {
            Containers = newSpec.Containers is null ? null! : WithImagesFrom(newSpec.Containers, oldSpec.Containers),
            InitContainers = newSpec.InitContainers is null ? null : WithImagesFrom(newSpec.InitContainers, oldSpec.InitContainers),
            ActiveDeadlineSeconds = oldSpec.ActiveDeadlineSeconds,
            Tolerations = oldSpec.Tolerations,
            // The scheduler binds through the pods/binding subresource; an update may still set an empty
            // nodeName (admins only: a node may write only pod status). Once set it is fixed, as in Kubernetes.
            NodeName = string.IsNullOrEmpty(oldSpec.NodeName) ? oldSpec.NodeName : newSpec.NodeName,
        };
        if (!StructuralEquality.PodSpecs(masked, oldSpec))
        {
            errors.Forbidden("spec",
                "pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, " +
                "`spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations), " +
                "`spec.nodeName` (only when unset)");
        }
    }

    private static List<Container> WithImagesFrom(List<Container> updated, List<Container>? existing)
    {
        var result = new List<Container>(updated.Count);
        for (var i = 0; i < updated.Count; i++)
        {
            var container = updated[i];
            result.Add(existing is not null && i < existing.Count && container is not null && existing[i] is not null
                ? container with { Image = existing[i].Image }
                : container!);
        }
        return result;
    }

    /// <summary>Every existing toleration must survive unchanged, except that a NoExecute one may shorten its time.</summary>
    private static void ValidateOnlyAddedTolerations(List<Toleration>? updated, List<Toleration>? existing, ErrorList errors)
    {
        if (existing is null || existing.Count == 0)
            return;
        foreach (var old in existing)
        {
            var kept = false;
            foreach (var candidate in updated ?? [])
            {
                if (candidate is null || candidate with { TolerationSeconds = old.TolerationSeconds } != old)
                    continue;
                if (old.TolerationSeconds is null || (candidate.TolerationSeconds is { } s && s <= old.TolerationSeconds))
                {
                    kept = true;
                    break;
                }
            }
            if (!kept)
            {
                errors.Forbidden("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds");
                return;
            }
        }
    }
}
