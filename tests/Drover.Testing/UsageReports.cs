using System.Text;
using System.Text.Json;
using Drover.Api;
using Drover.Api.Client;

namespace Drover.Testing;

/// <summary>
/// Sends usage reports as an agent does (cumulative counters, nanosecond timestamps), for the tests of droverd's side
/// of the pipeline: the real agent's collection from CRI is covered by the agent's own end-to-end test.
/// </summary>
public static class UsageReports
{
    public const long Second = 1_000_000_000;

    public static string PathFor(string node) => $"/apis/metrics.drover.io/v1/nodes/{node}/usage";

    public static Task SendAsync(DroverClient client, string node, NodeUsageReport report, CancellationToken ct = default) =>
        client.SendRawAsync(HttpMethod.Post, PathFor(node), JsonSerializer.SerializeToUtf8Bytes(report, MetricsJsonContext.Default.NodeUsageReport), "application/json", ct);

    public static Task SendRawAsync(DroverClient client, string node, string json) =>
        client.SendRawAsync(HttpMethod.Post, PathFor(node), Encoding.UTF8.GetBytes(json), "application/json");

    /// <summary>A report at <paramref name="at"/> seconds with each pod's single container "app" at the given counters.</summary>
    public static NodeUsageReport At(long at, long nodeCpuNanos, long nodeMemory, params (Pod Pod, long CpuNanos, long Memory)[] pods) => new()
    {
        TimestampUnixNano = 1_700_000_000 * Second + at * Second,
        CpuUsageCoreNanoSeconds = nodeCpuNanos,
        MemoryWorkingSetBytes = nodeMemory,
        Pods = [.. pods.Select(p => new PodUsageReport
        {
            Namespace = p.Pod.Metadata.Namespace!,
            Name = p.Pod.Metadata.Name!,
            Uid = p.Pod.Metadata.Uid!,
            Containers =
            [
                new ContainerUsageReport
                {
                    Name = "app",
                    TimestampUnixNano = 1_700_000_000 * Second + at * Second,
                    CpuUsageCoreNanoSeconds = p.CpuNanos,
                    MemoryWorkingSetBytes = p.Memory,
                },
            ],
        })],
    };

    /// <summary>
    /// Reports every running pod in <paramref name="ns"/> as using <paramref name="millicores"/>() each, every
    /// <paramref name="period"/>, until cancelled — the stand-in for an agent's reporter in the HPA tests.
    /// </summary>
    public static async Task KeepReportingAsync(DroverClient client, string node, string ns, Func<long> millicores, TimeSpan period, CancellationToken ct)
    {
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        var last = DateTimeOffset.UtcNow;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, ct);
                var now = DateTimeOffset.UtcNow;
                var elapsed = (now - last).Ticks * 100;
                last = now;
                var pods = (await client.ListAsync(ResourceTypes.Pods, ns, ct: ct)).Items.Cast<Pod>()
                    .Where(p => p.Status?.Phase == "Running" && p.Metadata.DeletionTimestamp is null).ToList();
                var report = new NodeUsageReport
                {
                    TimestampUnixNano = (now - DateTimeOffset.UnixEpoch).Ticks * 100,
                    CpuUsageCoreNanoSeconds = 0,
                    MemoryWorkingSetBytes = 1 << 30,
                };
                foreach (var pod in pods)
                {
                    var uid = pod.Metadata.Uid!;
                    counters[uid] = counters.GetValueOrDefault(uid) + millicores() * elapsed / 1000;
                    report.Pods.Add(new PodUsageReport
                    {
                        Namespace = ns,
                        Name = pod.Metadata.Name!,
                        Uid = uid,
                        Containers = [new ContainerUsageReport { Name = "app", TimestampUnixNano = report.TimestampUnixNano, CpuUsageCoreNanoSeconds = counters[uid], MemoryWorkingSetBytes = 32 << 20 }],
                    });
                }
                await SendAsync(client, node, report, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (ApiClientException)
            {
                // droverd busy or restarting: the next round reports again.
            }
        }
    }
}
