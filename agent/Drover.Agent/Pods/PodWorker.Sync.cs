using System.Globalization;
using Drover.Agent.Cri;
using Drover.Agent.Metrics;
using Drover.Api;
using Drover.Api.Client;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Pods;

internal sealed partial class PodWorker
{
    private async Task<SyncOutcome> SyncAsync(Pod pod, bool gone, CancellationToken ct)
    {
        if (gone)
        {
            await TeardownAsync(pod, GracePeriod(pod), writeFinalStatus: false, ct).ConfigureAwait(false);
            LogPodRemoved(Namespace(pod), pod.Metadata.Name, _uid, "no longer bound to this node");
            return SyncOutcome.Done;
        }

        if (pod.Metadata.DeletionTimestamp is not null)
        {
            return await DeleteAsync(pod, ct).ConfigureAwait(false);
        }

        if (Volatile.Read(ref _shutdown) is { } shutdown)
        {
            return await ShutdownSyncAsync(pod, shutdown, ct).ConfigureAwait(false);
        }

        var now = _time.GetUtcNow();
        var sandboxes = await _cri.ListPodSandboxAsync(new CriV1.PodSandboxFilter { LabelSelector = { [PodLabels.PodUid] = _uid } }, ct).ConfigureAwait(false);
        var containers = await _cri.ListContainersAsync(new CriV1.ContainerFilter { LabelSelector = { [PodLabels.PodUid] = _uid } }, ct).ConfigureAwait(false);
        var terminal = PodStatusBuilder.IsTerminal(pod.Status?.Phase);
        DateTimeOffset? wakeAt = null;

        var sandbox = sandboxes
            .Where(s => s.State == CriV1.PodSandboxState.SandboxReady)
            .OrderByDescending(s => s.CreatedAt)
            .FirstOrDefault();
        string sandboxId;
        CriV1.PodSandboxConfig sandboxConfig;
        if (sandbox is null && terminal)
        {
            // A finished pod keeps its exited containers (their statuses) but runs nothing.
            sandboxId = sandboxes.OrderByDescending(s => s.CreatedAt).FirstOrDefault()?.Id ?? "";
            sandboxConfig = _configs.Sandbox(pod, 0);
        }
        else if (sandbox is null)
        {
            (sandboxId, sandboxConfig) = await RecreateSandboxAsync(pod, sandboxes, containers, ct).ConfigureAwait(false);
            containers = [];
        }
        else
        {
            sandboxId = sandbox.Id;
            sandboxConfig = _configs.Sandbox(pod, sandbox.Metadata.Attempt);
            // Sandboxes left over from earlier attempts (a crash between run and clean-up) go.
            foreach (var stale in sandboxes.Where(s => s.Id != sandbox.Id))
            {
                await RemoveSandboxAsync(stale.Id, containers.Where(c => c.PodSandboxId == stale.Id), TimeSpan.Zero, ct).ConfigureAwait(false);
            }
        }

        var podIp = sandboxId.Length == 0 ? null : await PodIpAsync(sandboxId, ct).ConfigureAwait(false);
        var results = new List<ContainerResult>(pod.Spec.Containers.Count);
        foreach (var spec in pod.Spec.Containers)
        {
            var mine = containers
                .Where(c => c.PodSandboxId == sandboxId && c.Metadata.Name == spec.Name)
                .OrderByDescending(c => c.Metadata.Attempt)
                .ThenByDescending(c => c.CreatedAt)
                .ToList();
            var result = await SyncContainerAsync(pod, spec, sandboxId, sandboxConfig, mine, terminal, now, ct).ConfigureAwait(false);
            results.Add(result);
            if (result.WakeAt is { } at && (wakeAt is null || at < wakeAt))
            {
                wakeAt = at;
            }
        }

        // Probers follow the running containers; their Started/Ready feed the statuses below.
        var running = results
            .Where(r => r.Status.State?.Running is not null && r.Status.ContainerID is not null)
            .Select(r => (r.Spec, ContainerIdOf(r.Status.ContainerID!), r.Status.State!.Running!.StartedAt ?? now))
            .ToList();
        await _probers.ReconcileAsync(podIp ?? "", running).ConfigureAwait(false);
        var statuses = results.Select(r => WithProbeState(r.Status)).ToList();

        var status = PodStatusBuilder.Build(pod, statuses, podIp, _options.NodeIp, now);
        _phase = status.Phase ?? "Unknown";
        if (PodStatusBuilder.IsTerminal(status.Phase) && !_terminalHandled)
        {
            // As the kubelet: a pod that has finished gives back its network and sandbox.
            if (sandboxId.Length > 0)
            {
                await _cri.StopPodSandboxAsync(sandboxId, ct).ConfigureAwait(false);
            }

            _terminalHandled = true;
            LogPodFinished(Namespace(pod), pod.Metadata.Name, _uid, status.Phase!);
        }

        await WriteStatusAsync(pod, status, ct).ConfigureAwait(false);
        return new SyncOutcome(false, wakeAt);
    }

    private ContainerStatus WithProbeState(ContainerStatus status)
    {
        if (status.State?.Running is null || status.ContainerID is null)
        {
            return status with { Ready = false, Started = status.State?.Running is not null ? status.Started : false };
        }

        var (started, ready) = _probers.StateOf(ContainerIdOf(status.ContainerID));
        return status with { Ready = ready, Started = started };
    }

    private string ContainerIdOf(string apiContainerId)
    {
        var prefix = _options.RuntimeName + "://";
        return apiContainerId.StartsWith(prefix, StringComparison.Ordinal) ? apiContainerId[prefix.Length..] : apiContainerId;
    }

    private async Task<(string Id, CriV1.PodSandboxConfig Config)> RecreateSandboxAsync(
        Pod pod, IReadOnlyList<CriV1.PodSandbox> sandboxes, IReadOnlyList<CriV1.Container> containers, CancellationToken ct)
    {
        // Restart counts continue across sandboxes: remember the attempts before the old containers go.
        foreach (var c in containers)
        {
            var next = c.Metadata.Attempt + 1;
            if (!_nextAttempts.TryGetValue(c.Metadata.Name, out var known) || known < next)
            {
                _nextAttempts[c.Metadata.Name] = next;
            }
        }

        var attempt = sandboxes.Count == 0 ? 0u : sandboxes.Max(s => s.Metadata.Attempt) + 1;
        if (sandboxes.Count > 0)
        {
            LogSandboxRecreated(Namespace(pod), pod.Metadata.Name, _uid, attempt);
            foreach (var old in sandboxes)
            {
                await RemoveSandboxAsync(old.Id, containers.Where(c => c.PodSandboxId == old.Id), TimeSpan.Zero, ct).ConfigureAwait(false);
            }
        }

        var config = _configs.Sandbox(pod, attempt);
        Directory.CreateDirectory(config.LogDirectory);
        var id = await _cri.RunPodSandboxAsync(config, cancellationToken: ct).ConfigureAwait(false);
        LogSandboxStarted(Namespace(pod), pod.Metadata.Name, _uid, id);
        return (id, config);
    }

    private async Task<string?> PodIpAsync(string sandboxId, CancellationToken ct)
    {
        if (_podIps.TryGetValue(sandboxId, out var ip))
        {
            return ip;
        }

        try
        {
            var status = await _cri.PodSandboxStatusAsync(sandboxId, cancellationToken: ct).ConfigureAwait(false);
            ip = status.Status.Network?.Ip;
        }
        catch (CriException e) when (e.IsNotFound)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(ip))
        {
            _podIps.Clear();
            _podIps[sandboxId] = ip;
        }

        return string.IsNullOrEmpty(ip) ? null : ip;
    }

    /// <summary>One container's step towards its desired state, and its status afterwards.</summary>
    private async Task<ContainerResult> SyncContainerAsync(
        Pod pod, Container spec, string sandboxId, CriV1.PodSandboxConfig sandboxConfig,
        List<CriV1.Container> mine, bool terminal, DateTimeOffset now, CancellationToken ct)
    {
        var name = spec.Name;
        var latest = mine.Count > 0 ? await StatusOrNullAsync(mine[0].Id, ct).ConfigureAwait(false) : null;
        var hash = CriConfigFactory.Hash(spec);
        var specChanged = latest is not null && latest.Annotations.TryGetValue(PodLabels.ContainerHashAnnotation, out var oldHash) && oldHash != hash;
        var killedUnhealthy = false;

        if (latest?.State == CriV1.ContainerState.ContainerRunning)
        {
            string? killReason = null;
            if (_unhealthy.TryRemove(latest.Id, out var unhealthy))
            {
                killReason = unhealthy;
                killedUnhealthy = true;
            }
            else if (specChanged && !terminal)
            {
                killReason = $"Container {name} definition changed, will be restarted";
            }

            if (killReason is null)
            {
                return new ContainerResult(spec, Running(spec, latest, mine.Count > 1 ? await StatusOrNullAsync(mine[1].Id, ct).ConfigureAwait(false) : null), null);
            }

            _events.Record(pod, EventRecorder.Normal, "Killing", killReason, name);
            LogContainerKilling(Namespace(pod), pod.Metadata.Name, name, killReason);
            await _cri.StopContainerAsync(latest.Id, GracePeriod(pod), ct).ConfigureAwait(false);
            latest = await StatusOrNullAsync(latest.Id, ct).ConfigureAwait(false);
        }

        if (latest?.State == CriV1.ContainerState.ContainerCreated && !terminal)
        {
            // Created but never started (the agent stopped in between): start it now.
            var started = await TryStartAsync(pod, spec, latest.Id, ct).ConfigureAwait(false);
            if (started is not null)
            {
                return new ContainerResult(spec, Running(spec, started, mine.Count > 1 ? await StatusOrNullAsync(mine[1].Id, ct).ConfigureAwait(false) : null), null);
            }

            latest = await StatusOrNullAsync(latest.Id, ct).ConfigureAwait(false);
        }

        var restartCount = latest is not null ? RestartCountOf(latest) : (int)_nextAttempts.GetValueOrDefault(name);
        var lastState = latest is not null && latest.State == CriV1.ContainerState.ContainerExited ? Terminated(latest) : null;
        uint attempt;
        if (latest is not null)
        {
            var exited = latest.State is CriV1.ContainerState.ContainerExited or CriV1.ContainerState.ContainerCreated;
            var policy = pod.Spec.RestartPolicy ?? "Always";
            // A container killed for failing its liveness probe restarts unless the policy is Never, whatever its exit code (as the kubelet).
            var restart = exited && !terminal
                && (specChanged || policy == "Always" || (policy == "OnFailure" && (latest.ExitCode != 0 || killedUnhealthy)));
            if (!restart)
            {
                // Done for good (or the pod is): its last state is its state.
                return new ContainerResult(spec, Base(spec, restartCount) with
                {
                    State = lastState ?? Waiting(latest.State == CriV1.ContainerState.ContainerUnknown ? "ContainerStatusUnknown" : "ContainerCreating", null),
                    ContainerID = ApiContainerId(latest.Id),
                    ImageID = latest.ImageRef,
                }, null);
            }

            var finishedAt = latest.FinishedAt > 0 ? FromNanos(latest.FinishedAt) : now;
            if (!specChanged && _restartBackoff.BackoffUntil(name, finishedAt, now) is { } until)
            {
                var message = $"back-off {Format(_restartBackoff.Current(name))} restarting failed container={name} pod={pod.Metadata.Name}_{Namespace(pod)}({_uid})";
                if (!_backoffReported.TryGetValue(name, out var reportedFor) || reportedFor != latest.Id)
                {
                    _backoffReported[name] = latest.Id;
                    _events.Record(pod, EventRecorder.Warning, "BackOff", "Back-off restarting failed container " + name, name);
                }

                return new ContainerResult(spec, Base(spec, restartCount) with
                {
                    State = Waiting("CrashLoopBackOff", message),
                    LastState = lastState,
                    ContainerID = ApiContainerId(latest.Id),
                    ImageID = latest.ImageRef,
                }, until);
            }

            attempt = latest.Metadata.Attempt + 1;
        }
        else if (terminal)
        {
            return new ContainerResult(spec, Base(spec, restartCount) with { State = Waiting("ContainerCreating", null) }, null);
        }
        else
        {
            attempt = _nextAttempts.GetValueOrDefault(name);
        }

        // A new container: image first.
        var image = await EnsureImageAsync(pod, spec, sandboxConfig, now, ct).ConfigureAwait(false);
        if (image.Waiting is { } imageWaiting)
        {
            return new ContainerResult(spec, Base(spec, restartCount) with { State = imageWaiting, LastState = lastState }, image.WakeAt);
        }

        if (latest is not null)
        {
            _restartBackoff.Next(name, now);
        }

        var config = _configs.Container(pod, spec, attempt);
        Directory.CreateDirectory(Path.Combine(sandboxConfig.LogDirectory, name));
        string id;
        try
        {
            id = await _cri.CreateContainerAsync(sandboxId, config, sandboxConfig, ct).ConfigureAwait(false);
        }
        catch (CriException e) when (!e.IsUnavailable)
        {
            _events.Record(pod, EventRecorder.Warning, "Failed", "Error: " + e.RuntimeMessage, name);
            _restartBackoff.Next("create:" + name, now);
            return new ContainerResult(spec, Base(spec, restartCount) with { State = Waiting("CreateContainerError", e.RuntimeMessage), LastState = lastState }, now + _restartBackoff.Current("create:" + name));
        }

        _nextAttempts[name] = attempt + 1;
        if (attempt > 0)
        {
            // As restartCount counts: any container made again after one that ran (crash, liveness, lost sandbox).
            AgentMetrics.ContainerRestarts.Inc();
        }

        _events.Record(pod, EventRecorder.Normal, "Created", "Created container " + name, name);
        // Only the latest dead container is kept (it is the lastState); older ones go, as the kubelet's GC does.
        foreach (var old in mine.Skip(latest is null ? 0 : 1))
        {
            await _cri.RemoveContainerAsync(old.Id, ct).ConfigureAwait(false);
        }

        if (latest is not null && latest.State == CriV1.ContainerState.ContainerCreated)
        {
            await _cri.RemoveContainerAsync(latest.Id, ct).ConfigureAwait(false);
            lastState = null;
        }

        var running = await TryStartAsync(pod, spec, id, ct).ConfigureAwait(false);
        var previous = lastState is null ? null : latest;
        if (running is null)
        {
            var failed = await StatusOrNullAsync(id, ct).ConfigureAwait(false);
            return new ContainerResult(spec, Base(spec, (int)attempt) with
            {
                State = Waiting("RunContainerError", failed?.Message ?? "the container did not start"),
                LastState = lastState,
                ContainerID = ApiContainerId(id),
            }, now + _options.BackoffInitial);
        }

        return new ContainerResult(spec, Running(spec, running, previous), null);
    }

    private async Task<CriV1.ContainerStatus?> TryStartAsync(Pod pod, Container spec, string id, CancellationToken ct)
    {
        try
        {
            await _cri.StartContainerAsync(id, ct).ConfigureAwait(false);
        }
        catch (CriException e) when (!e.IsUnavailable)
        {
            _events.Record(pod, EventRecorder.Warning, "Failed", "Error: " + e.RuntimeMessage, spec.Name);
            LogContainerStartFailed(Namespace(pod), pod.Metadata.Name, spec.Name, e.RuntimeMessage);
            return null;
        }

        _events.Record(pod, EventRecorder.Normal, "Started", "Started container " + spec.Name, spec.Name);
        LogContainerStarted(Namespace(pod), pod.Metadata.Name, spec.Name, id);
        return await StatusOrNullAsync(id, ct).ConfigureAwait(false);
    }

    /// <summary>Applies imagePullPolicy; returns a waiting state (ErrImagePull, ImagePullBackOff, ErrImageNeverPull) when the image is not there.</summary>
    private async Task<(ContainerState? Waiting, DateTimeOffset? WakeAt)> EnsureImageAsync(
        Pod pod, Container spec, CriV1.PodSandboxConfig sandboxConfig, DateTimeOffset now, CancellationToken ct)
    {
        var image = spec.Image ?? "";
        if (image.Length == 0)
        {
            return (Waiting("InvalidImageName", "the container has no image"), null);
        }

        var policy = spec.ImagePullPolicy ?? DefaultPullPolicy(image);
        if (policy != "Always" && await _cri.ImageStatusAsync(image, ct).ConfigureAwait(false) is not null)
        {
            _events.Record(pod, EventRecorder.Normal, "Pulled", $"Container image \"{image}\" already present on machine", spec.Name);
            return (null, null);
        }

        if (policy == "Never")
        {
            var message = $"Container image \"{image}\" is not present with pull policy of Never";
            _events.Record(pod, EventRecorder.Warning, "ErrImageNeverPull", message, spec.Name);
            return (Waiting("ErrImageNeverPull", message), now + _options.ResyncInterval);
        }

        if (_pullErrors.TryGetValue(image, out var error) && _pullBackoff.BackoffUntil(image, error.At, now) is { } until)
        {
            return (Waiting("ImagePullBackOff", $"Back-off pulling image \"{image}\": {error.Message}"), until);
        }

        _events.Record(pod, EventRecorder.Normal, "Pulling", $"Pulling image \"{image}\"", spec.Name);
        var started = _time.GetTimestamp();
        try
        {
            await _cri.PullImageAsync(image, sandboxConfig: sandboxConfig, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (CriException e) when (!e.IsUnavailable)
        {
            _pullBackoff.Next(image, now);
            _pullErrors[image] = (now, e.RuntimeMessage);
            _events.Record(pod, EventRecorder.Warning, "Failed", $"Failed to pull image \"{image}\": {e.RuntimeMessage}", spec.Name);
            LogImagePullFailed(Namespace(pod), pod.Metadata.Name, image, e.RuntimeMessage);
            // Sync again right away so the status moves on to ImagePullBackOff for the wait.
            return (Waiting("ErrImagePull", e.RuntimeMessage), now);
        }

        _pullErrors.Remove(image);
        _pullBackoff.Reset(image);
        var took = _time.GetElapsedTime(started);
        _events.Record(pod, EventRecorder.Normal, "Pulled", $"Successfully pulled image \"{image}\" in {took.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s", spec.Name);
        return (null, null);
    }

    private async Task<CriV1.ContainerStatus?> StatusOrNullAsync(string id, CancellationToken ct)
    {
        try
        {
            return (await _cri.ContainerStatusAsync(id, cancellationToken: ct).ConfigureAwait(false)).Status;
        }
        catch (CriException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    private async Task WriteStatusAsync(Pod pod, PodStatus status, CancellationToken ct)
    {
        if (!_confirmed)
        {
            // Started from the checkpoint and droverd has not sent the pod yet: it may have been deleted (and
            // its name reused) meanwhile, so nothing is written on its behalf. The first sync after the list writes.
            return;
        }

        var bytes = SerializeStatus(status);
        if (_lastStatus is not null && bytes.AsSpan().SequenceEqual(_lastStatus))
        {
            return;
        }

        if (!_reachability.IsReachable)
        {
            LogStatusDeferred(Namespace(pod), pod.Metadata.Name, "the pod manager cannot reach it");
            return;
        }

        var current = NewerOf(_statusBase, pod);
        try
        {
            for (var attempt = 0; attempt < 4; attempt++)
            {
                try
                {
                    var written = await _api.UpdateAsync(ResourceTypes.Pods, current with { Status = status }, "status", ct).ConfigureAwait(false);
                    _statusBase = written as Pod ?? current;
                    _lastStatus = bytes;
                    return;
                }
                catch (ApiClientException e) when (e.Code == 409)
                {
                    // Someone else wrote the pod (a label, a deletion mark): re-read and write ours on top.
                    if (await _api.TryGetAsync(ResourceTypes.Pods, Namespace(pod), pod.Metadata.Name!, ct).ConfigureAwait(false) is not Pod fresh
                        || fresh.Metadata.Uid != _uid)
                    {
                        return;
                    }

                    current = fresh;
                }
                catch (ApiClientException e) when (e.Code == 404)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (IsApiUnreachable(e, ct))
        {
            // droverd away: the pod runs on; _lastStatus stays, so the next sync (a resync, or the wake-up the
            // next successful list brings) writes the status then.
            LogStatusDeferred(Namespace(pod), pod.Metadata.Name, e.Message);
        }
    }

    /// <summary>droverd unreachable, overloaded or timing out — as opposed to refusing the write.</summary>
    private static bool IsApiUnreachable(Exception e, CancellationToken ct) => e switch
    {
        ApiClientException api => api.Code is 0 or 429 or >= 500,
        HttpRequestException => true,
        OperationCanceledException => !ct.IsCancellationRequested,
        _ => false,
    };

    private static Pod NewerOf(Pod? a, Pod b)
    {
        if (a is null)
        {
            return b;
        }

        _ = long.TryParse(a.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var ra);
        _ = long.TryParse(b.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var rb);
        return ra > rb ? a : b;
    }

    // ---- CRI status → API status ----

    private ContainerStatus Base(Container spec, int restartCount) => new()
    {
        Name = spec.Name,
        Image = spec.Image,
        RestartCount = restartCount,
        Ready = false,
        Started = false,
    };

    private ContainerStatus Running(Container spec, CriV1.ContainerStatus running, CriV1.ContainerStatus? previous) => Base(spec, RestartCountOf(running)) with
    {
        State = running.State == CriV1.ContainerState.ContainerRunning
            ? new ContainerState { Running = new ContainerStateRunning { StartedAt = FromNanos(running.StartedAt) } }
            : Terminated(running),
        LastState = previous is { State: CriV1.ContainerState.ContainerExited } ? Terminated(previous) : null,
        ContainerID = ApiContainerId(running.Id),
        ImageID = running.ImageRef,
        Started = running.State == CriV1.ContainerState.ContainerRunning,
    };

    private ContainerState Terminated(CriV1.ContainerStatus status) => new()
    {
        Terminated = new ContainerStateTerminated
        {
            ExitCode = status.ExitCode,
            Reason = string.IsNullOrEmpty(status.Reason) ? (status.ExitCode == 0 ? "Completed" : "Error") : status.Reason,
            Message = string.IsNullOrEmpty(status.Message) ? null : status.Message,
            StartedAt = status.StartedAt > 0 ? FromNanos(status.StartedAt) : null,
            FinishedAt = status.FinishedAt > 0 ? FromNanos(status.FinishedAt) : null,
            ContainerID = ApiContainerId(status.Id),
        },
    };

    private static ContainerState Waiting(string reason, string? message) =>
        new() { Waiting = new ContainerStateWaiting { Reason = reason, Message = message } };

    private string ApiContainerId(string id) => $"{_options.RuntimeName}://{id}";

    private static int RestartCountOf(CriV1.ContainerStatus status) =>
        status.Annotations.TryGetValue(PodLabels.RestartCountAnnotation, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : (int)status.Metadata.Attempt;

    private static DateTimeOffset FromNanos(long nanos) => PodStatusBuilder.Seconds(DateTimeOffset.FromUnixTimeMilliseconds(nanos / 1_000_000));

    private static string Format(TimeSpan span) =>
        span.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m{span.Seconds}s") : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#}s");

    private static TimeSpan GracePeriod(Pod pod) =>
        TimeSpan.FromSeconds(Math.Max(0, pod.Metadata.DeletionGracePeriodSeconds ?? CriConfigFactory.GracePeriodSeconds(pod)));

    /// <summary>Kubernetes' default when the server has not filled it in: a moving "latest" tag is pulled every time.</summary>
    internal static string DefaultPullPolicy(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var name = at >= 0 ? image[..at] : image;
        var lastSegment = name[(name.LastIndexOf('/') + 1)..];
        var colon = lastSegment.LastIndexOf(':');
        var tag = colon >= 0 ? lastSegment[(colon + 1)..] : (at >= 0 ? "" : "latest");
        return tag == "latest" ? "Always" : "IfNotPresent";
    }

    private readonly record struct ContainerResult(Container Spec, ContainerStatus Status, DateTimeOffset? WakeAt);
}
