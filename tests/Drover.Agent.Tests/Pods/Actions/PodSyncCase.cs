using Drover.Agent.Pods.Observed;
using Drover.Api;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Pods.Actions.Tests;

/// <summary>
/// Pods, CRI states and histories for <see cref="PodPlanner"/>'s tests, built by hand: no containerd. One pod
/// "web" (uid u1) with one container "app" unless a test says otherwise; the current sandbox is "sb".
/// </summary>
internal static class PodSyncCase
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan BackoffInitial = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan BackoffMax = TimeSpan.FromMinutes(5);

    public static Container App { get; } = new() { Name = "app", Image = "my-app:v1.0" };

    public static Pod Pod(string? restartPolicy = "Always", params Container[] containers) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = "web", Namespace = "default", Uid = "u1" },
        Spec = new PodSpec { RestartPolicy = restartPolicy, Containers = containers.Length > 0 ? [.. containers] : [App] },
    };

    public static ObservedSandbox Sandbox(string id = "sb", uint attempt = 0, bool ready = true, long createdAt = 1, CriV1.NamespaceMode? network = CriV1.NamespaceMode.Pod) =>
        new() { Id = id, Attempt = attempt, IsReady = ready, CreatedAt = createdAt, Ip = ready ? "10.88.5.7" : null, NetworkMode = network };

    /// <summary>A container of <paramref name="spec"/> (its hash, so unchanged) in sandbox "sb".</summary>
    public static ObservedContainer Container(string id, CriV1.ContainerState state, Container? spec = null, uint attempt = 0, int exitCode = 0, DateTimeOffset? finishedAt = null, string sandbox = "sb")
    {
        spec ??= App;
        return new ObservedContainer
        {
            Id = id,
            SandboxId = sandbox,
            Name = spec.Name,
            Attempt = attempt,
            CreatedAt = attempt + 1,
            State = state,
            RestartCount = (int)attempt,
            SpecHash = CriConfigFactory.Hash(spec),
            ExitCode = exitCode,
            StartedAt = Nanos(T0.AddSeconds(-30)),
            FinishedAt = state == CriV1.ContainerState.ContainerExited ? Nanos(finishedAt ?? T0) : 0,
        };
    }

    public static ObservedContainer Running(string id, uint attempt = 0, Container? spec = null) => Container(id, CriV1.ContainerState.ContainerRunning, spec, attempt);

    public static ObservedContainer Exited(string id, int exitCode, uint attempt = 0, DateTimeOffset? finishedAt = null, Container? spec = null) =>
        Container(id, CriV1.ContainerState.ContainerExited, spec, attempt, exitCode, finishedAt);

    public static ObservedPod Seen(IEnumerable<ObservedSandbox> sandboxes, params ObservedContainer[] containers) => new([.. sandboxes], containers);

    public static ObservedPod InSandbox(params ObservedContainer[] containers) => new([Sandbox()], containers);

    public static PodSyncInput Input(Pod pod, ObservedPod observed, PodHistory? history = null, DateTimeOffset? now = null) =>
        new() { Pod = pod, Observed = observed, History = history ?? NewHistory(), Now = now ?? T0 };

    /// <summary>The input with what a test sets besides the pod, the CRI state, the history and the time.</summary>
    public static PodSyncInput With(this PodSyncInput input, IReadOnlyDictionary<string, string>? unhealthy = null, PodStop? stop = null, bool finishedHere = false, TimeSpan? drain = null,
        IReadOnlyDictionary<string, string>? configErrors = null, string? volumeError = null) => new()
        {
            Pod = input.Pod,
            Observed = input.Observed,
            History = input.History,
            Now = input.Now,
            Unhealthy = unhealthy ?? input.Unhealthy,
            Stop = stop ?? input.Stop,
            FinishedHere = finishedHere || input.FinishedHere,
            TerminationDrainDelay = drain ?? input.TerminationDrainDelay,
            ConfigErrors = configErrors ?? input.ConfigErrors,
            VolumeError = volumeError ?? input.VolumeError,
        };

    public static PodHistory NewHistory() => new(BackoffInitial, BackoffMax);

    public static long Nanos(DateTimeOffset time) => time.ToUnixTimeMilliseconds() * 1_000_000;
}
