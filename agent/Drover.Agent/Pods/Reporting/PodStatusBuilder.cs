using Drover.Api;

namespace Drover.Agent.Pods.Reporting;

/// <summary>
/// A pod's status from its containers' statuses, as the kubelet's generateAPIPodStatus/getPhase compute it:
/// phase, the four conditions (transition times kept while a condition's status stays), IPs, start time.
/// Pure; timestamps at second precision, as the API stores them, so an unchanged pod gives an equal status.
/// </summary>
internal static class PodStatusBuilder
{
    public const string Pending = "Pending";
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";

    public static PodStatus Build(Pod pod, IReadOnlyList<ContainerStatus> containers, string? podIp, string hostIp, DateTimeOffset now, IReadOnlyList<ContainerStatus>? initContainers = null)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(containers);
        now = Seconds(now);
        var old = pod.Status;
        var phase = IsTerminal(old?.Phase) ? old!.Phase! : Phase(pod.Spec, containers, initContainers);
        var unready = containers.Where(c => !c.Ready).Select(c => c.Name).ToList();
        var allReady = unready.Count == 0 && containers.Count == pod.Spec.Containers.Count && containers.Count > 0;
        string? notReadyReason = null;
        string? notReadyMessage = null;
        if (!allReady)
        {
            notReadyReason = phase == Succeeded ? "PodCompleted" : "ContainersNotReady";
            notReadyMessage = phase == Succeeded ? null : $"containers with unready status: [{string.Join(' ', unready)}]";
        }

        var uninitialized = Uninitialized(pod.Spec, initContainers);
        var conditions = new List<PodCondition>
        {
            uninitialized.Count == 0
                ? Condition(old, "Initialized", true, null, null, now)
                : Condition(old, "Initialized", false, "ContainersNotInitialized", $"containers with incomplete status: [{string.Join(' ', uninitialized)}]", now),
            Condition(old, "Ready", allReady, notReadyReason, notReadyMessage, now),
            Condition(old, "ContainersReady", allReady, notReadyReason, notReadyMessage, now),
            Condition(old, "PodScheduled", true, null, null, now),
        };

        return new PodStatus
        {
            Phase = phase,
            Conditions = conditions,
            HostIP = hostIp,
            PodIP = string.IsNullOrEmpty(podIp) ? null : podIp,
            PodIPs = string.IsNullOrEmpty(podIp) ? null : [new PodIP { Ip = podIp }],
            StartTime = old?.StartTime is { } started ? Seconds(started) : now,
            InitContainerStatuses = initContainers is { Count: > 0 } ? [.. initContainers] : null,
            ContainerStatuses = [.. containers],
            QosClass = PodQos.Of(pod.Spec),
        };
    }

    public static bool IsTerminal(string? phase) => phase is Succeeded or Failed;

    /// <summary>The kubelet's getPhase: init containers first (a failed one fails a Never pod; one not done keeps it Pending), then the regular ones.</summary>
    public static string Phase(PodSpec spec, IReadOnlyList<ContainerStatus> containers, IReadOnlyList<ContainerStatus>? initContainers = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(containers);
        int pendingInitialization = 0, failedInitialization = 0;
        foreach (var container in spec.InitContainers ?? [])
        {
            var status = initContainers?.FirstOrDefault(c => c.Name == container.Name);
            if (status?.State?.Terminated is { } done)
            {
                if (done.ExitCode != 0)
                {
                    failedInitialization++;
                }
            }
            else if (status?.State?.Waiting is not null && status.LastState?.Terminated is not null)
            {
                failedInitialization++;
            }
            else
            {
                pendingInitialization++;
            }
        }

        if (failedInitialization > 0 && (spec.RestartPolicy ?? "Always") == "Never")
        {
            return Failed;
        }

        if (pendingInitialization > 0 || failedInitialization > 0)
        {
            return Pending;
        }

        int waiting = 0, running = 0, stopped = 0, succeeded = 0;
        foreach (var container in spec.Containers)
        {
            var status = containers.FirstOrDefault(c => c.Name == container.Name);
            if (status?.State is null)
            {
                waiting++;
                continue;
            }

            if (status.State.Running is not null)
            {
                running++;
            }
            else if (status.State.Terminated is { } terminated)
            {
                stopped++;
                if (terminated.ExitCode == 0)
                {
                    succeeded++;
                }
            }
            else if (status.LastState?.Terminated is not null)
            {
                // Waiting to restart (crash loop): it ran before.
                stopped++;
            }
            else
            {
                waiting++;
            }
        }

        if (waiting > 0)
        {
            return Pending;
        }

        if (running > 0)
        {
            return Running;
        }

        if (stopped > 0)
        {
            var restartPolicy = spec.RestartPolicy ?? "Always";
            if (restartPolicy == "Always")
            {
                return Running;
            }

            if (stopped == succeeded)
            {
                return Succeeded;
            }

            return restartPolicy == "Never" ? Failed : Running;
        }

        return Pending;
    }

    public static DateTimeOffset Seconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    /// <summary>A CRI timestamp (nanoseconds since the epoch) at the API's precision.</summary>
    public static DateTimeOffset FromNanos(long nanos) => Seconds(DateTimeOffset.FromUnixTimeMilliseconds(nanos / 1_000_000));

    /// <summary>The init containers that have not run to success, in spec order.</summary>
    private static List<string> Uninitialized(PodSpec spec, IReadOnlyList<ContainerStatus>? initContainers) =>
        [.. (spec.InitContainers ?? [])
            .Where(c => initContainers?.FirstOrDefault(s => s.Name == c.Name)?.State?.Terminated is not { ExitCode: 0 })
            .Select(c => c.Name)];

    private static PodCondition Condition(PodStatus? old, string type, bool value, string? reason, string? message, DateTimeOffset now)
    {
        var status = value ? "True" : "False";
        var previous = old?.Conditions?.FirstOrDefault(c => c.Type == type);
        var transition = previous is not null && previous.Status == status && previous.LastTransitionTime is { } t ? Seconds(t) : now;
        return new PodCondition { Type = type, Status = status, LastTransitionTime = transition, Reason = reason, Message = message };
    }
}
