using System.Text.Json.Serialization;

namespace Drover.Api;

public sealed record Pod : KubeObject
{
    public PodSpec Spec { get; init; } = new();
    public PodStatus? Status { get; init; }

    public override KubeObject WithStatusFrom(KubeObject? other) => this with { Status = (other as Pod)?.Status };
}

public sealed record PodTemplateSpec
{
    public ObjectMeta? Metadata { get; init; }
    public PodSpec Spec { get; init; } = new();
}

public sealed record PodSpec
{
    public List<Container> Containers { get; init; } = [];
    public List<Container>? InitContainers { get; init; }
    public string? RestartPolicy { get; init; }
    public long? TerminationGracePeriodSeconds { get; init; }
    public long? ActiveDeadlineSeconds { get; init; }
    public string? DnsPolicy { get; init; }
    public Dictionary<string, string>? NodeSelector { get; init; }
    public string? NodeName { get; init; }
    public bool? HostNetwork { get; init; }
    public string? Hostname { get; init; }
    public string? Subdomain { get; init; }
    public List<Toleration>? Tolerations { get; init; }
    public string? SchedulerName { get; init; }
    public string? ServiceAccountName { get; init; }
    public List<LocalObjectReference>? ImagePullSecrets { get; init; }
    public List<Volume>? Volumes { get; init; }
}

public sealed record Container
{
    public string Name { get; init; } = "";
    public string? Image { get; init; }
    public List<string>? Command { get; init; }
    public List<string>? Args { get; init; }
    public string? WorkingDir { get; init; }
    public List<ContainerPort>? Ports { get; init; }
    public List<EnvVar>? Env { get; init; }
    public List<EnvFromSource>? EnvFrom { get; init; }
    public List<VolumeMount>? VolumeMounts { get; init; }
    public ResourceRequirements? Resources { get; init; }
    public Probe? LivenessProbe { get; init; }
    public Probe? ReadinessProbe { get; init; }
    public Probe? StartupProbe { get; init; }
    public Lifecycle? Lifecycle { get; init; }
    public string? ImagePullPolicy { get; init; }
    public string? TerminationMessagePath { get; init; }
    /// <summary>The runtime keeps the container's stdin open, for `kubectl attach -i` (given to CRI's ContainerConfig).</summary>
    public bool? Stdin { get; init; }
    /// <summary>stdin is closed after the first attach that used it ends (the command then sees end of input).</summary>
    public bool? StdinOnce { get; init; }
    /// <summary>The runtime allocates a terminal for the container (stdin must be set too for `kubectl attach -it`).</summary>
    public bool? Tty { get; init; }
}

public sealed record ContainerPort
{
    public string? Name { get; init; }
    // The JSON name equals the type name, which C# does not allow for a member.
    [JsonPropertyName("containerPort")]
    public int Port { get; init; }
    public int? HostPort { get; init; }
    public string? Protocol { get; init; }
}

public sealed record EnvVar
{
    public string Name { get; init; } = "";
    public string? Value { get; init; }
    public EnvVarSource? ValueFrom { get; init; }
}

public sealed record ResourceRequirements
{
    public Dictionary<string, Quantity>? Requests { get; init; }
    public Dictionary<string, Quantity>? Limits { get; init; }
}

public sealed record Probe
{
    public HttpGetAction? HttpGet { get; init; }
    public TcpSocketAction? TcpSocket { get; init; }
    public ExecAction? Exec { get; init; }
    public int? InitialDelaySeconds { get; init; }
    public int? PeriodSeconds { get; init; }
    public int? TimeoutSeconds { get; init; }
    public int? SuccessThreshold { get; init; }
    public int? FailureThreshold { get; init; }
}

public sealed record HttpGetAction
{
    public string? Path { get; init; }
    public IntOrString Port { get; init; }
    public string? Host { get; init; }
    public string? Scheme { get; init; }
    public List<HttpHeader>? HttpHeaders { get; init; }
}

public sealed record HttpHeader
{
    public string Name { get; init; } = "";
    public string Value { get; init; } = "";
}

public sealed record TcpSocketAction
{
    public IntOrString Port { get; init; }
    public string? Host { get; init; }
}

public sealed record ExecAction
{
    public List<string>? Command { get; init; }
}

public sealed record Lifecycle
{
    public LifecycleHandler? PreStop { get; init; }
    public LifecycleHandler? PostStart { get; init; }
}

public sealed record LifecycleHandler
{
    public ExecAction? Exec { get; init; }
    public HttpGetAction? HttpGet { get; init; }
    public SleepAction? Sleep { get; init; }
}

public sealed record SleepAction
{
    public long Seconds { get; init; }
}

public sealed record Toleration
{
    public string? Key { get; init; }
    public string? Operator { get; init; }
    public string? Value { get; init; }
    public string? Effect { get; init; }
    public long? TolerationSeconds { get; init; }
}

public sealed record PodStatus
{
    public string? Phase { get; init; }
    public List<PodCondition>? Conditions { get; init; }
    public string? Message { get; init; }
    public string? Reason { get; init; }
    public string? HostIP { get; init; }
    public string? PodIP { get; init; }
    public List<PodIP>? PodIPs { get; init; }
    public DateTimeOffset? StartTime { get; init; }
    public List<ContainerStatus>? InitContainerStatuses { get; init; }
    public List<ContainerStatus>? ContainerStatuses { get; init; }
    public string? QosClass { get; init; }
}

public sealed record PodIP
{
    public string? Ip { get; init; }
}

public sealed record PodCondition
{
    public string Type { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTimeOffset? LastProbeTime { get; init; }
    public DateTimeOffset? LastTransitionTime { get; init; }
    public string? Reason { get; init; }
    public string? Message { get; init; }
}

public sealed record ContainerStatus
{
    public string Name { get; init; } = "";
    public ContainerState? State { get; init; }
    public ContainerState? LastState { get; init; }
    public bool Ready { get; init; }
    public int RestartCount { get; init; }
    public string? Image { get; init; }
    public string? ImageID { get; init; }
    public string? ContainerID { get; init; }
    public bool? Started { get; init; }
}

public sealed record ContainerState
{
    public ContainerStateWaiting? Waiting { get; init; }
    public ContainerStateRunning? Running { get; init; }
    public ContainerStateTerminated? Terminated { get; init; }
}

public sealed record ContainerStateWaiting
{
    public string? Reason { get; init; }
    public string? Message { get; init; }
}

public sealed record ContainerStateRunning
{
    public DateTimeOffset? StartedAt { get; init; }
}

public sealed record ContainerStateTerminated
{
    public int ExitCode { get; init; }
    public int? Signal { get; init; }
    public string? Reason { get; init; }
    public string? Message { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public string? ContainerID { get; init; }
}
