using System.Globalization;
using Drover.Api;

namespace Drover.Api.Printing;

public static class PodColumns
{
    public static IReadOnlyList<Column> All { get; } =
    [
        Column.Name,
        Column.Of<Pod>("READY", p => $"{ReadyContainers(p)}/{p.Spec.Containers.Count}"),
        Column.Of<Pod>("STATUS", p => Status(p)),
        Column.Of<Pod>("RESTARTS", (p, now) => Restarts(p, now)),
        Column.Age,
        Column.Of<Pod>("IP", p => Cells.OrNone(p.Status?.PodIP), wideOnly: true),
        Column.Of<Pod>("NODE", p => Cells.OrNone(p.Spec.NodeName), wideOnly: true),
        // Drover has no preemption (nominatedNodeName) and no readiness gates; the columns are kubectl's all the same.
        Column.Of<Pod>("NOMINATED NODE", _ => Cells.None, wideOnly: true),
        Column.Of<Pod>("READINESS GATES", _ => Cells.None, wideOnly: true),
    ];

    public static int ReadyContainers(Pod pod) =>
        pod.Status?.ContainerStatuses?.Count(c => c.Ready && c.State?.Running is not null) ?? 0;

    /// <summary>kubectl's printPod status: the most telling container reason wins over the phase.</summary>
    public static string Status(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var status = pod.Status;
        var reason = !string.IsNullOrEmpty(status?.Reason) ? status.Reason : status?.Phase;
        if (string.IsNullOrEmpty(reason))
            reason = "Pending";
        var initializing = false;
        var initStatuses = status?.InitContainerStatuses ?? [];
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var state = initStatuses[i].State;
            if (state?.Terminated is { ExitCode: 0 })
                continue;
            if (state?.Terminated is { } terminated)
                reason = "Init:" + (!string.IsNullOrEmpty(terminated.Reason) ? terminated.Reason : terminated.Signal is > 0 ? $"Signal:{terminated.Signal}" : $"ExitCode:{terminated.ExitCode}");
            else if (state?.Waiting is { Reason: { Length: > 0 } waitingReason } && waitingReason != "PodInitializing")
                reason = "Init:" + waitingReason;
            else
                reason = $"Init:{i}/{pod.Spec.InitContainers?.Count ?? initStatuses.Count}";
            initializing = true;
            break;
        }
        if (!initializing)
        {
            var hasRunning = false;
            var statuses = status?.ContainerStatuses ?? [];
            for (var i = statuses.Count - 1; i >= 0; i--)
            {
                var container = statuses[i];
                if (container.State?.Waiting is { Reason: { Length: > 0 } waiting })
                    reason = waiting;
                else if (container.State?.Terminated is { Reason: { Length: > 0 } terminatedReason })
                    reason = terminatedReason;
                else if (container.State?.Terminated is { } terminated)
                    reason = terminated.Signal is > 0 ? $"Signal:{terminated.Signal}" : $"ExitCode:{terminated.ExitCode}";
                else if (container.Ready && container.State?.Running is not null)
                    hasRunning = true;
            }
            if (reason == "Completed" && hasRunning)
                reason = status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true ? "Running" : "NotReady";
        }
        if (pod.Metadata.DeletionTimestamp is not null)
            reason = status?.Reason == "NodeLost" ? "Unknown" : "Terminating";
        return reason;
    }

    /// <summary>"2 (5m ago)": the count plus how long ago the last restart finished, as kubectl ≥1.22 prints.</summary>
    public static string Restarts(Pod pod, DateTimeOffset now)
    {
        var statuses = pod.Status?.ContainerStatuses ?? [];
        var restarts = statuses.Sum(c => c.RestartCount);
        var last = statuses.Select(c => c.LastState?.Terminated?.FinishedAt).Where(t => t is not null).Max();
        var count = restarts.ToString(CultureInfo.InvariantCulture);
        return restarts > 0 && last is { } finished ? $"{count} ({HumanDuration.Format(now - finished)} ago)" : count;
    }
}
