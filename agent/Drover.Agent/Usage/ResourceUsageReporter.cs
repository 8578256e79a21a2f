using Drover.Agent.Cri;
using Drover.Agent.Cri.V1;
using Drover.Agent.Node;
using Drover.Agent.Pods;
using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Usage;

/// <summary>
/// Every interval, reads the running containers' cpu and memory from CRI stats and the node's from /proc, and posts
/// the cumulative counters to droverd, which turns consecutive reports into the rates `drover top` and the HPA use.
/// A failed round is logged and skipped: the next report still yields a rate, just over a longer window.
/// </summary>
internal sealed partial class ResourceUsageReporter(CriClient cri, Func<DroverClient> api, string nodeName, TimeSpan interval, TimeProvider time, ILogger logger)
{
    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                var report = await CollectAsync(ct).ConfigureAwait(false);
                var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(report, MetricsJsonContext.Default.NodeUsageReport);
                await api().SendRawAsync(HttpMethod.Post, $"/apis/metrics.drover.io/v1/nodes/{Uri.EscapeDataString(nodeName)}/usage", body, "application/json", ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is CriException or ApiClientException or HttpRequestException or IOException or OperationCanceledException)
            {
                LogReportFailed(logger, e.Message);
            }
        }
        while (await WaitAsync(timer, ct).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<NodeUsageReport> CollectAsync(CancellationToken ct)
    {
        var managed = new Dictionary<string, string> { [PodLabels.ManagedBy] = PodLabels.ManagedByValue };
        // Only running containers: an exited attempt kept for its logs has stats too, under the same pod and name.
        var running = await cri.ListContainersAsync(new ContainerFilter
        {
            State = new ContainerStateValue { State = Cri.V1.ContainerState.ContainerRunning },
            LabelSelector = { managed },
        }, ct).ConfigureAwait(false);
        var runningIds = running.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var stats = await cri.ListContainerStatsAsync(new ContainerStatsFilter { LabelSelector = { managed } }, ct).ConfigureAwait(false);

        var pods = new Dictionary<string, PodUsageReport>(StringComparer.Ordinal);
        foreach (var stat in stats)
        {
            var attributes = stat.Attributes;
            if (attributes is null || !runningIds.Contains(attributes.Id) || stat.Cpu?.UsageCoreNanoSeconds is null)
                continue;
            var labels = attributes.Labels;
            if (!labels.TryGetValue(PodLabels.PodUid, out var uid) || !labels.TryGetValue(PodLabels.PodName, out var name)
                || !labels.TryGetValue(PodLabels.PodNamespace, out var ns))
                continue;
            if (!pods.TryGetValue(uid, out var pod))
                pods[uid] = pod = new PodUsageReport { Namespace = ns, Name = name, Uid = uid };
            pod.Containers.Add(new ContainerUsageReport
            {
                Name = labels.TryGetValue(PodLabels.ContainerName, out var container) ? container : attributes.Metadata?.Name ?? "",
                TimestampUnixNano = stat.Cpu.Timestamp,
                CpuUsageCoreNanoSeconds = (long)stat.Cpu.UsageCoreNanoSeconds.Value,
                MemoryWorkingSetBytes = (long)(stat.Memory?.WorkingSetBytes?.Value ?? 0),
            });
        }
        var (total, available) = HostFacts.Memory();
        return new NodeUsageReport
        {
            TimestampUnixNano = (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100,
            CpuUsageCoreNanoSeconds = HostFacts.CpuBusyNanoseconds(),
            MemoryWorkingSetBytes = total - available,
            Pods = [.. pods.Values],
        };
    }

    [LoggerMessage(EventId = 900, Level = LogLevel.Warning, Message = "resource usage not reported this round: {Error}")]
    private static partial void LogReportFailed(ILogger logger, string error);
}
