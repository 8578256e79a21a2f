using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Drover.Agent.Cri.V1;
using Drover.Api;
using Container = Drover.Api.Container;

namespace Drover.Agent.Pods;

/// <summary>
/// Pod spec → CRI sandbox and container configs, as the kubelet's kuberuntime builds them. Pure: the same
/// pod and attempt give the same config (CreateContainer needs the sandbox's config again).
/// </summary>
internal sealed class CriConfigFactory
{
    public const long CpuPeriod = 100_000;
    public const long MinCpuShares = 2;

    private readonly PodManagerOptions _options;
    private readonly DNSConfig _dns;

    public CriConfigFactory(PodManagerOptions options, DNSConfig dns)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(dns);
        _options = options;
        _dns = dns;
    }

    public static string Uid(Pod pod) => pod.Metadata.Uid ?? "";

    public static string Namespace(Pod pod) => pod.Metadata.Namespace ?? "default";

    public string LogDirectory(Pod pod) =>
        Path.Combine(_options.PodLogRoot, $"{Namespace(pod)}_{pod.Metadata.Name}_{Uid(pod)}");

    public string CgroupParent(string uid) => $"{_options.CgroupParentRoot.TrimEnd('/')}/pod{uid}";

    public PodSandboxConfig Sandbox(Pod pod, uint attempt)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var uid = Uid(pod);
        var config = new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = pod.Metadata.Name ?? "", Namespace = Namespace(pod), Uid = uid, Attempt = attempt },
            Hostname = SandboxHostname(pod),
            LogDirectory = LogDirectory(pod),
            DnsConfig = PodDns.For(pod, _dns, _options.ClusterDnsServer, _options.ClusterDomain),
            Linux = new LinuxPodSandboxConfig
            {
                CgroupParent = CgroupParent(uid),
                SecurityContext = new LinuxSandboxSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = SandboxNetworkMode(pod), Pid = NamespaceMode.Container, Ipc = NamespaceMode.Pod },
                },
            },
        };
        foreach (var (key, value) in pod.Metadata.Labels ?? [])
        {
            config.Labels[key] = value;
        }

        foreach (var (key, value) in pod.Metadata.Annotations ?? [])
        {
            config.Annotations[key] = value;
        }

        AddPodLabels(config.Labels, pod);
        config.Annotations[PodLabels.TerminationGracePeriodAnnotation] = GracePeriodSeconds(pod).ToString(CultureInfo.InvariantCulture);

        foreach (var container in pod.Spec.Containers)
        {
            foreach (var port in container.Ports ?? [])
            {
                if (port.HostPort is > 0 and var hostPort)
                {
                    config.PortMappings.Add(new PortMapping
                    {
                        Protocol = port.Protocol?.ToUpperInvariant() switch { "UDP" => Protocol.Udp, "SCTP" => Protocol.Sctp, _ => Protocol.Tcp },
                        ContainerPort = port.Port,
                        HostPort = hostPort,
                    });
                }
            }
        }

        return config;
    }

    /// <summary>
    /// The network namespace the pod's sandbox gets: its own, always (the agent does not run hostNetwork pods in the
    /// host's namespace yet). A sandbox found with another mode is replaced, as the kubelet's PodSandboxChanged does.
    /// </summary>
    public static NamespaceMode SandboxNetworkMode(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return NamespaceMode.Pod;
    }

    /// <param name="env">The resolved environment (<see cref="Volumes.EnvResolver"/>); null: the spec's literal values.</param>
    /// <param name="mounts">The container's volume mounts (<see cref="Volumes.ContainerMounts"/>); null: none.</param>
    public ContainerConfig Container(Pod pod, Container container, uint restartCount, IReadOnlyList<KeyValuePair<string, string>>? env = null, IReadOnlyList<Mount>? mounts = null)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(container);
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = container.Name, Attempt = restartCount },
            Image = new ImageSpec { Image = container.Image ?? "" },
            WorkingDir = container.WorkingDir ?? "",
            LogPath = ContainerLogPath(container.Name, restartCount),
            // What `kubectl attach -i/-t` needs: the runtime holds stdin (and a terminal) for the container's process.
            Stdin = container.Stdin ?? false,
            StdinOnce = container.StdinOnce ?? false,
            Tty = container.Tty ?? false,
            Linux = new LinuxContainerConfig
            {
                Resources = Resources(container.Resources),
                SecurityContext = new LinuxContainerSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Pod, Pid = NamespaceMode.Container, Ipc = NamespaceMode.Pod },
                },
            },
        };
        if (env is not null)
        {
            foreach (var (key, value) in env)
            {
                config.Envs.Add(new KeyValue { Key = key, Value = value });
            }
        }
        else
        {
            foreach (var literal in container.Env ?? [])
            {
                config.Envs.Add(new KeyValue { Key = literal.Name, Value = literal.Value ?? "" });
            }
        }

        // As the kubelet's ExpandContainerCommandAndArgs: $(NAME) in command and args is the container's variable
        // (the last of a name wins, as in the process's environment), $$ a literal $, an unknown name stays as written.
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in config.Envs)
        {
            variables[kv.Key] = kv.Value;
        }

        config.Command.AddRange((container.Command ?? []).Select(c => Volumes.EnvResolver.Expand(c, variables)));
        config.Args.AddRange((container.Args ?? []).Select(a => Volumes.EnvResolver.Expand(a, variables)));

        config.Mounts.AddRange(mounts ?? []);

        AddPodLabels(config.Labels, pod);
        config.Labels[PodLabels.ContainerName] = container.Name;
        config.Annotations[PodLabels.RestartCountAnnotation] = restartCount.ToString(CultureInfo.InvariantCulture);
        config.Annotations[PodLabels.ContainerHashAnnotation] = Hash(container);
        config.Annotations[PodLabels.TerminationGracePeriodAnnotation] = GracePeriodSeconds(pod).ToString(CultureInfo.InvariantCulture);
        return config;
    }

    /// <summary>Relative to the sandbox's log directory, as the kubelet names them.</summary>
    public static string ContainerLogPath(string containerName, uint restartCount) =>
        string.Create(CultureInfo.InvariantCulture, $"{containerName}/{restartCount}.log");

    /// <summary>limits.cpu → CFS quota over a 100 ms period; requests.cpu → shares; limits.memory → memory limit.</summary>
    public static LinuxContainerResources Resources(ResourceRequirements? resources)
    {
        var result = new LinuxContainerResources { CpuShares = MinCpuShares };
        if (resources?.Requests is { } requests && requests.TryGetValue("cpu", out var cpuRequest))
        {
            result.CpuShares = Math.Max(MinCpuShares, cpuRequest.MilliValue * 1024 / 1000);
        }
        else if (resources?.Limits is { } limitsOnly && limitsOnly.TryGetValue("cpu", out var cpuLimitOnly))
        {
            // Kubernetes defaults a missing request to the limit.
            result.CpuShares = Math.Max(MinCpuShares, cpuLimitOnly.MilliValue * 1024 / 1000);
        }

        if (resources?.Limits is { } limits)
        {
            if (limits.TryGetValue("cpu", out var cpuLimit) && cpuLimit.MilliValue > 0)
            {
                result.CpuPeriod = CpuPeriod;
                // The kernel's minimum quota is 1 ms.
                result.CpuQuota = Math.Max(1000, cpuLimit.MilliValue * CpuPeriod / 1000);
            }

            if (limits.TryGetValue("memory", out var memoryLimit) && memoryLimit.Value > 0)
            {
                result.MemoryLimitInBytes = memoryLimit.Value;
            }
        }

        return result;
    }

    /// <summary>
    /// A fingerprint of what the runtime was told about the container: a different one means the spec
    /// changed (a new image, say) and the container must be replaced. Probes are not in it: they are the
    /// agent's business and change without a restart.
    /// </summary>
    public static string Hash(Container container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var sb = new StringBuilder();
        sb.Append(container.Name).Append('\0').Append(container.Image).Append('\0').Append(container.WorkingDir).Append('\0');
        foreach (var c in container.Command ?? [])
        {
            sb.Append("c:").Append(c).Append('\0');
        }

        foreach (var a in container.Args ?? [])
        {
            sb.Append("a:").Append(a).Append('\0');
        }

        foreach (var e in container.Env ?? [])
        {
            sb.Append("e:").Append(e.Name).Append('=').Append(e.Value).Append('\0');
        }

        foreach (var p in container.Ports ?? [])
        {
            sb.Append("p:").Append(p.Port).Append('/').Append(p.Protocol).Append('/').Append(p.HostPort).Append('\0');
        }

        var r = Resources(container.Resources);
        sb.Append("r:").Append(r.CpuShares).Append('/').Append(r.CpuQuota).Append('/').Append(r.MemoryLimitInBytes);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()));
        return Convert.ToHexStringLower(digest.AsSpan(0, 8));
    }

    public static long GracePeriodSeconds(Pod pod) => Math.Max(0, pod.Spec.TerminationGracePeriodSeconds ?? 30);

    private static string SandboxHostname(Pod pod)
    {
        // spec.hostname overrides the pod name, as in Kubernetes; a hostname is at most 63 characters.
        var name = string.IsNullOrEmpty(pod.Spec.Hostname) ? pod.Metadata.Name ?? "" : pod.Spec.Hostname;
        return name.Length > 63 ? name[..63].TrimEnd('-', '.') : name;
    }

    private static void AddPodLabels(Google.Protobuf.Collections.MapField<string, string> labels, Pod pod)
    {
        labels[PodLabels.PodName] = pod.Metadata.Name ?? "";
        labels[PodLabels.PodNamespace] = Namespace(pod);
        labels[PodLabels.PodUid] = Uid(pod);
        labels[PodLabels.ManagedBy] = PodLabels.ManagedByValue;
    }
}
