using Drover.Agent.Pods.Actions;
using Drover.Agent.Pods.Observed;
using Drover.Api;

namespace Drover.Agent.Pods.Reporting;

/// <summary>
/// CRI's containers → the API's containerStatuses, as the kubelet's convertToAPIContainerStatuses: the latest container
/// of each name is its state, the one before it its lastState, and a waiting reason (from the plan or the executor)
/// replaces the state of a container that is not running. Pure; container ids as "RUNTIME://ID".
/// </summary>
internal sealed class ContainerStatuses(string runtimeName)
{
    private readonly string _prefix = runtimeName + "://";

    /// <summary>The kubelet's waiting reason for a container not made yet in a pod that has init containers (kubectl prints Init:N/M or PodInitializing).</summary>
    public const string PodInitializing = "PodInitializing";

    /// <summary>A container's status from the containers of its name in the pod's sandbox (the latest first).</summary>
    /// <param name="podHasInitContainers">As the kubelet's convertToAPIContainerStatuses: a container not made yet waits with PodInitializing, not ContainerCreating.</param>
    public ContainerStatus Of(Container spec, IReadOnlyList<ObservedContainer> mine, ContainerWaiting? waiting, uint nextAttempt, bool podHasInitContainers = false)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(mine);
        var latest = mine.Count > 0 ? mine[0] : null;
        switch (waiting?.Kind)
        {
            case ContainerWaitingKind.BackOff:
                var dead = mine.FirstOrDefault(c => c.Id == waiting.ContainerId) ?? latest;
                return Base(spec, dead?.RestartCount ?? (int)nextAttempt) with
                {
                    State = Waiting(waiting.Reason, waiting.Message),
                    LastState = dead is { IsExited: true } ? Terminated(dead) : null,
                    ContainerID = dead is null ? null : ApiId(dead.Id),
                    ImageID = dead?.ImageRef,
                };
            case ContainerWaitingKind.NotCreated:
                return Base(spec, latest?.RestartCount ?? (int)nextAttempt) with
                {
                    State = Waiting(waiting.Reason, waiting.Message),
                    LastState = latest is { IsExited: true } ? Terminated(latest) : null,
                };
            case ContainerWaitingKind.NotStarted:
                var before = mine.FirstOrDefault(c => c.Id != waiting.ContainerId);
                return Base(spec, (int)waiting.Attempt) with
                {
                    State = Waiting(waiting.Reason, waiting.Message),
                    LastState = before is { IsExited: true } ? Terminated(before) : null,
                    ContainerID = waiting.ContainerId is null ? null : ApiId(waiting.ContainerId),
                };
        }

        if (latest is null)
        {
            return Base(spec, (int)nextAttempt) with { State = Waiting(podHasInitContainers ? PodInitializing : "ContainerCreating", null) };
        }

        if (latest.IsRunning)
        {
            var previous = mine.Count > 1 ? mine[1] : null;
            return Base(spec, latest.RestartCount) with
            {
                State = new ContainerState { Running = new ContainerStateRunning { StartedAt = PodStatusBuilder.FromNanos(latest.StartedAt) } },
                LastState = previous is { IsExited: true } ? Terminated(previous) : null,
                ContainerID = ApiId(latest.Id),
                ImageID = latest.ImageRef,
                Started = true,
            };
        }

        // Done for good (or the pod is): its last state is its state, and the run before it (an init container that
        // failed once, say) its lastState, as the kubelet's.
        var earlier = mine.Count > 1 ? mine[1] : null;
        return Base(spec, latest.RestartCount) with
        {
            State = latest.IsExited
                ? Terminated(latest)
                : Waiting(latest.State == Cri.V1.ContainerState.ContainerUnknown ? "ContainerStatusUnknown" : "ContainerCreating", null),
            LastState = earlier is { IsExited: true } ? Terminated(earlier) : null,
            ContainerID = ApiId(latest.Id),
            ImageID = latest.ImageRef,
        };
    }

    /// <summary>How a container ended, for the last status of a pod that stops (its latest container, read after the stop).</summary>
    public ContainerStatus Final(Container spec, ObservedContainer? last, uint nextAttempt)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return last is null
            ? Base(spec, (int)nextAttempt) with { State = Waiting("ContainerCreating", null) }
            : Base(spec, last.RestartCount) with { State = Terminated(last), ContainerID = ApiId(last.Id), ImageID = last.ImageRef };
    }

    /// <summary>Started and Ready as the container's probers say (a container that does not run is neither).</summary>
    public ContainerStatus WithProbeState(ContainerStatus status, Func<string, (bool Started, bool Ready)> probes)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(probes);
        if (status.State?.Running is null || status.ContainerID is null)
        {
            return status with { Ready = false, Started = status.State?.Running is not null ? status.Started : false };
        }

        var (started, ready) = probes(RuntimeId(status.ContainerID));
        return status with { Ready = ready, Started = started };
    }

    /// <summary>An init container is ready once it has run to success (the kubelet's rule).</summary>
    public static ContainerStatus InitReadiness(ContainerStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status with { Ready = status.State?.Terminated is { ExitCode: 0 } };
    }

    /// <summary>The runtime's id in an API container id ("containerd://ID" → "ID").</summary>
    public string RuntimeId(string apiContainerId)
    {
        ArgumentNullException.ThrowIfNull(apiContainerId);
        return apiContainerId.StartsWith(_prefix, StringComparison.Ordinal) ? apiContainerId[_prefix.Length..] : apiContainerId;
    }

    private string ApiId(string id) => _prefix + id;

    private static ContainerStatus Base(Container spec, int restartCount) => new()
    {
        Name = spec.Name,
        Image = spec.Image,
        RestartCount = restartCount,
        Ready = false,
        Started = false,
    };

    private ContainerState Terminated(ObservedContainer c) => new()
    {
        Terminated = new ContainerStateTerminated
        {
            ExitCode = c.ExitCode,
            Reason = c.Reason ?? (c.ExitCode == 0 ? "Completed" : "Error"),
            Message = c.Message,
            StartedAt = c.StartedAt > 0 ? PodStatusBuilder.FromNanos(c.StartedAt) : null,
            FinishedAt = c.FinishedAt > 0 ? PodStatusBuilder.FromNanos(c.FinishedAt) : null,
            ContainerID = ApiId(c.Id),
        },
    };

    private static ContainerState Waiting(string reason, string? message) =>
        new() { Waiting = new ContainerStateWaiting { Reason = reason, Message = message } };
}
