using Drover.Agent.Cri;
using Drover.Agent.Metrics;
using Drover.Agent.Pods.Actions;
using Drover.Agent.Pods.Observed;
using Drover.Agent.Probes;
using Drover.Agent.Volumes;
using Drover.Api;
using Microsoft.Extensions.Logging;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Pods.Execution;

/// <summary>
/// Carries out what <see cref="PodPlanner"/> decided, against CRI: sandboxes, pulls, creates, starts, stops and
/// removals, with the events each records. It decides nothing: a failure it meets (a pull, a create, a start)
/// becomes the container's waiting reason, and the next plan decides again. One per pod worker.
/// </summary>
internal sealed partial class PodActionsExecutor
{
    private readonly string _uid;
    private readonly CriClient _cri;
    private readonly CriConfigFactory _configs;
    private readonly PodObserver _observer;
    private readonly ImagePuller _images;
    private readonly ProbeRunner _hooks;
    private readonly EventRecorder _events;
    private readonly PodManagerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly VolumeManager _volumes;

    /// <summary>Back-off of failed creates (CreateContainerError), per container name.</summary>
    private readonly RestartBackoff _createBackoff;

    /// <summary>The dead container each container name's last BackOff event was about: one event per crash, not per sync.</summary>
    private readonly Dictionary<string, string> _backoffReported = new(StringComparer.Ordinal);

    public PodActionsExecutor(string uid, CriClient cri, CriConfigFactory configs, PodObserver observer, ImagePuller images, ProbeRunner hooks, EventRecorder events, VolumeManager volumes, PodManagerOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        _volumes = volumes;
        ArgumentNullException.ThrowIfNull(uid);
        ArgumentNullException.ThrowIfNull(cri);
        ArgumentNullException.ThrowIfNull(configs);
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(hooks);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _uid = uid;
        _cri = cri;
        _configs = configs;
        _observer = observer;
        _images = images;
        _hooks = hooks;
        _events = events;
        _options = options;
        _time = time;
        _logger = logger;
        _createBackoff = new RestartBackoff(options.BackoffInitial, options.BackoffMax);
    }

    /// <summary>Sandbox step, kills, then starts, in the plan's order; returns the pod as it is afterwards.</summary>
    public async Task<PodExecution> ExecuteAsync(Pod pod, PodActions plan, ObservedPod observed, ContainerInputs inputs, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(inputs);
        if (plan.Termination is not null)
        {
            throw new ArgumentException("a termination is carried out step by step (RunPreStopHooksAsync, KillAsync, …)", nameof(plan));
        }

        var current = observed;
        if (plan.CreateSandbox is { Replaces: not null } recreate)
        {
            LogSandboxRecreated(Namespace(pod), pod.Metadata.Name, _uid, recreate.Attempt, recreate.Replaces);
        }

        foreach (var id in plan.SandboxesToRemove)
        {
            await RemoveSandboxAsync(id, current, ct).ConfigureAwait(false);
            current = current.WithoutSandbox(id);
        }

        var sandboxId = plan.SandboxId;
        var sandboxConfig = _configs.Sandbox(pod, plan.SandboxAttempt);
        if (plan.CreateSandbox is not null)
        {
            Directory.CreateDirectory(sandboxConfig.LogDirectory);
            sandboxId = await _cri.RunPodSandboxAsync(sandboxConfig, cancellationToken: ct).ConfigureAwait(false);
            LogSandboxStarted(Namespace(pod), pod.Metadata.Name, _uid, sandboxId);
            var created = new ObservedSandbox { Id = sandboxId, Attempt = plan.SandboxAttempt, IsReady = true, CreatedAt = _time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000 };
            current = current.With(await _observer.DescribeAsync(created, ct).ConfigureAwait(false));
        }

        var killed = new List<string>();
        foreach (var kill in plan.ContainersToKill)
        {
            _events.Record(pod, EventRecorder.Normal, "Killing", kill.Reason, kill.Name);
            LogContainerKilling(Namespace(pod), pod.Metadata.Name, kill.Name, kill.Reason);
            await _cri.StopContainerAsync(kill.ContainerId, PodPlanner.GracePeriod(pod), ct).ConfigureAwait(false);
            killed.Add(kill.ContainerId);
            current = await RereadAsync(current, kill.ContainerId, ct).ConfigureAwait(false);
        }

        var waiting = new Dictionary<string, ContainerWaiting>(plan.Waiting, StringComparer.Ordinal);
        foreach (var (name, wait) in plan.Waiting)
        {
            if (wait.Kind == ContainerWaitingKind.BackOff && wait.ContainerId is { } dead
                && (!_backoffReported.TryGetValue(name, out var reported) || reported != dead))
            {
                _backoffReported[name] = dead;
                _events.Record(pod, EventRecorder.Warning, "BackOff", "Back-off restarting failed container " + name, name);
            }
            else if (wait.Reason == PodPlanner.CreateContainerConfigError)
            {
                // As the kubelet, every sync that cannot make the config says so; the recorder counts the repeats.
                _events.Record(pod, EventRecorder.Warning, "Failed", "Error: " + wait.Message, name);
            }
        }

        if (inputs.VolumeError is { } volumeError && plan.Waiting.Values.Any(w => w.Reason == "ContainerCreating"))
        {
            _events.Record(pod, EventRecorder.Warning, "FailedMount", volumeError, null);
        }

        var pullSecrets = plan.ContainersToStart.Count > 0 ? inputs.PullSecrets(pod) : ([], []);
        if (pullSecrets.Missing.Count > 0 && plan.ContainersToStart.Any(s => s.CreatedId is null))
        {
            // As the kubelet: the pull goes ahead without them.
            _events.Record(pod, EventRecorder.Warning, "FailedToRetrieveImagePullSecret",
                $"Unable to retrieve some image pull secrets ({string.Join(", ", pullSecrets.Missing)}); attempting to pull the image may not succeed.", null);
        }

        var restarted = new List<string>();
        var createdAttempts = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var start in plan.ContainersToStart)
        {
            var name = start.Spec.Name;
            string id;
            if (start.CreatedId is { } existing)
            {
                id = existing;
            }
            else
            {
                if (await _images.EnsureAsync(pod, start.Spec, sandboxConfig, pullSecrets.Found, now, ct).ConfigureAwait(false) is { } notPulled)
                {
                    waiting[name] = notPulled;
                    continue;
                }

                if (start.IsRestart)
                {
                    restarted.Add(name);
                }

                var configured = inputs.For(pod, start.Spec, current.Sandbox(sandboxId)?.Ip);
                if (configured.Error is { } configError)
                {
                    // Planned with the objects of this sync, so only a race gets here; reported as the plan would have.
                    _events.Record(pod, EventRecorder.Warning, "Failed", "Error: " + configError, name);
                    waiting[name] = new ContainerWaiting { Kind = ContainerWaitingKind.NotCreated, Reason = PodPlanner.CreateContainerConfigError, Message = configError };
                    continue;
                }

                if (configured.SkippedEnvKeys.Count > 0)
                {
                    _events.Record(pod, EventRecorder.Warning, "InvalidEnvironmentVariableNames",
                        "Keys [" + string.Join(", ", configured.SkippedEnvKeys) + "] from the EnvFrom configMap/secret were skipped since they are considered invalid environment variable names.", name);
                }

                var (made, createError) = await CreateAsync(pod, start, configured, sandboxId, sandboxConfig, now, ct).ConfigureAwait(false);
                if (made is null)
                {
                    waiting[name] = new ContainerWaiting
                    {
                        Kind = ContainerWaitingKind.NotCreated,
                        Reason = "CreateContainerError",
                        Message = createError,
                        Until = now + _createBackoff.Current(name),
                    };
                    continue;
                }

                id = made;
                createdAttempts[name] = start.Attempt;
                foreach (var old in start.ContainersToRemove)
                {
                    await _cri.RemoveContainerAsync(old, ct).ConfigureAwait(false);
                    current = current.WithoutContainer(old);
                }
            }

            var startError = await StartAsync(pod, start.Spec, id, ct).ConfigureAwait(false);
            var status = await _observer.ContainerAsync(id, sandboxId, ct).ConfigureAwait(false);
            current = status is null ? current.WithoutContainer(id) : current.With(status);
            if (startError is not null)
            {
                waiting[name] = new ContainerWaiting
                {
                    Kind = ContainerWaitingKind.NotStarted,
                    Reason = "RunContainerError",
                    Message = status?.Message ?? "the container did not start",
                    Until = now + _options.BackoffInitial,
                    ContainerId = id,
                    Attempt = start.Attempt,
                };
            }
        }

        return new PodExecution
        {
            Observed = current,
            SandboxId = sandboxId,
            Waiting = waiting,
            Killed = killed,
            Restarted = restarted,
            Created = createdAttempts,
        };
    }

    /// <summary>Creates the container: its id, or the runtime's message (with the Failed event recorded) when CRI refuses.</summary>
    private async Task<(string? Id, string? Error)> CreateAsync(Pod pod, ContainerToStart start, ContainerInputs.Result configured, string sandboxId, CriV1.PodSandboxConfig sandboxConfig, DateTimeOffset now, CancellationToken ct)
    {
        var name = start.Spec.Name;
        var config = _configs.Container(pod, start.Spec, start.Attempt, configured.Env, configured.Mounts);
        Directory.CreateDirectory(Path.Combine(sandboxConfig.LogDirectory, name));
        string id;
        try
        {
            id = await _cri.CreateContainerAsync(sandboxId, config, sandboxConfig, ct).ConfigureAwait(false);
        }
        catch (CriException e) when (!e.IsUnavailable)
        {
            _events.Record(pod, EventRecorder.Warning, "Failed", "Error: " + e.RuntimeMessage, name);
            _createBackoff.Next(name, now);
            return (null, e.RuntimeMessage);
        }

        if (start.Attempt > 0)
        {
            // As restartCount counts: any container made again after one that ran (crash, liveness, lost sandbox).
            AgentMetrics.ContainerRestarts.Inc();
        }

        _events.Record(pod, EventRecorder.Normal, "Created", "Created container " + name, name);
        return (id, null);
    }

    /// <summary>Starts the container; the runtime's message when it did not start (with the Failed event recorded).</summary>
    private async Task<string?> StartAsync(Pod pod, Container spec, string id, CancellationToken ct)
    {
        try
        {
            await _cri.StartContainerAsync(id, ct).ConfigureAwait(false);
        }
        catch (CriException e) when (!e.IsUnavailable)
        {
            _events.Record(pod, EventRecorder.Warning, "Failed", "Error: " + e.RuntimeMessage, spec.Name);
            LogContainerStartFailed(Namespace(pod), pod.Metadata.Name, spec.Name, e.RuntimeMessage);
            return e.RuntimeMessage;
        }

        _events.Record(pod, EventRecorder.Normal, "Started", "Started container " + spec.Name, spec.Name);
        LogContainerStarted(Namespace(pod), pod.Metadata.Name, spec.Name, id);
        return null;
    }

    /// <summary>A finished pod gives back its network and sandbox, as the kubelet does.</summary>
    public Task StopSandboxAsync(string sandboxId, CancellationToken ct) => _cri.StopPodSandboxAsync(sandboxId, ct);

    // ---- termination, step by step (the worker orders them around its probers and the status) ----

    /// <summary>
    /// Kubernetes' preStop hooks, all at once, each bounded by the grace period: <c>sleep</c> waits, <c>exec</c> runs
    /// in the container through CRI and <c>httpGet</c> goes to the pod IP — the probe runner's handlers, since a hook is
    /// a probe that runs once. As with the kubelet, a failed hook is a FailedPreStopHook event, not a reason to keep the pod.
    /// </summary>
    public Task RunPreStopHooksAsync(Pod pod, IReadOnlyList<PreStopHook> hooks, TimeSpan grace, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(hooks);
        return Task.WhenAll(hooks.Select(hook => RunPreStopHookAsync(pod, hook, grace, ct)));
    }

    private async Task RunPreStopHookAsync(Pod pod, PreStopHook hook, TimeSpan grace, CancellationToken ct)
    {
        var handler = hook.Spec.Lifecycle!.PreStop!;
        if (handler.Sleep is { } sleep)
        {
            var wait = TimeSpan.FromSeconds(sleep.Seconds);
            await Task.Delay(wait < grace ? wait : grace, _time, ct).ConfigureAwait(false);
            return;
        }

        var outcome = await _hooks.RunAsync(new Probe { Exec = handler.Exec, HttpGet = handler.HttpGet }, new ProbeTarget(pod.Status?.PodIP ?? "", hook.ContainerId, hook.Spec), grace, ct)
            .ConfigureAwait(false);
        if (outcome.Result != ProbeResult.Success)
        {
            _events.Record(pod, EventRecorder.Warning, "FailedPreStopHook", "PreStopHook failed: " + outcome.Message, hook.Spec.Name);
            LogPreStopFailed(Namespace(pod), pod.Metadata.Name, hook.Spec.Name, outcome.Message);
        }
    }

    /// <summary>Stops the containers together (SIGTERM, SIGKILL after <paramref name="grace"/>).</summary>
    public Task KillAsync(Pod pod, IReadOnlyList<ContainerToKill> kills, TimeSpan grace, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(kills);
        foreach (var kill in kills)
        {
            _events.Record(pod, EventRecorder.Normal, "Killing", kill.Reason, kill.Name);
        }

        return Task.WhenAll(kills.Select(kill => _cri.StopContainerAsync(kill.ContainerId, grace, ct)));
    }

    /// <summary>The latest container of each of the pod's names, read again (after a stop: how it ended).</summary>
    public async Task<IReadOnlyList<ObservedContainer>> LastContainersAsync(Pod pod, ObservedPod observed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(observed);
        var last = new List<ObservedContainer>();
        foreach (var spec in pod.Spec.Containers)
        {
            if (observed.LatestOf(spec.Name) is { } latest && await _observer.ContainerAsync(latest.Id, latest.SandboxId, ct).ConfigureAwait(false) is { } read)
            {
                last.Add(read);
            }
        }

        return last;
    }

    /// <summary>Stops and removes everything of the pod in CRI, its cgroups and its logs. Idempotent.</summary>
    public async Task RemoveEverythingAsync(Pod pod, ObservedPod observed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(observed);
        foreach (var sandbox in observed.Sandboxes)
        {
            await RemoveSandboxAsync(sandbox.Id, observed, ct).ConfigureAwait(false);
        }

        foreach (var c in observed.Containers.Where(c => observed.Sandbox(c.SandboxId) is null))
        {
            await _cri.RemoveContainerAsync(c.Id, ct).ConfigureAwait(false);
        }

        PodCleanup.RemoveCgroups(_options.CgroupMountRoot, _configs.CgroupParent(_uid));
        PodCleanup.RemoveDirectory(_configs.LogDirectory(pod));
        // After the containers: a tmpfs goes only once nothing mounts it.
        _volumes.TearDown(_uid);
    }

    public async Task StopSandboxesAsync(IReadOnlyList<string> sandboxIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sandboxIds);
        foreach (var id in sandboxIds)
        {
            await _cri.StopPodSandboxAsync(id, ct).ConfigureAwait(false);
        }
    }

    private async Task RemoveSandboxAsync(string sandboxId, ObservedPod observed, CancellationToken ct)
    {
        foreach (var c in observed.Containers.Where(c => c.SandboxId == sandboxId))
        {
            if (c.IsRunning)
            {
                await _cri.StopContainerAsync(c.Id, TimeSpan.Zero, ct).ConfigureAwait(false);
            }

            await _cri.RemoveContainerAsync(c.Id, ct).ConfigureAwait(false);
        }

        await _cri.StopPodSandboxAsync(sandboxId, ct).ConfigureAwait(false);
        await _cri.RemovePodSandboxAsync(sandboxId, ct).ConfigureAwait(false);
    }

    private async Task<ObservedPod> RereadAsync(ObservedPod pod, string containerId, CancellationToken ct)
    {
        var sandboxId = pod.Containers.FirstOrDefault(c => c.Id == containerId)?.SandboxId ?? "";
        return await _observer.ContainerAsync(containerId, sandboxId, ct).ConfigureAwait(false) is { } read ? pod.With(read) : pod.WithoutContainer(containerId);
    }

    private static string Namespace(Pod pod) => CriConfigFactory.Namespace(pod);
}
