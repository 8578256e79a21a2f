using Drover.Api;
using Drover.Api.Client;

namespace Drover.Testing;

/// <summary>
/// A test stand-in for the kubelet (there are no agents in the control-plane tests): it writes the pod status
/// a node would report — phase Running, a pod IP, and the Ready condition — through the admin client, so the
/// controllers see pods become ready exactly as they would from a real node.
/// </summary>
public sealed class KubeletStandIn(DroverClient client)
{
    private int _nextIp = 2;

    /// <summary>Reports every pending, not-yet-ready pod in <paramref name="ns"/> (that <paramref name="which"/> accepts) as running and ready.</summary>
    public async Task<int> MarkReadyAsync(string ns, Func<Pod, bool>? which = null, CancellationToken ct = default)
    {
        var marked = 0;
        foreach (var pod in (await client.ListAsync(ResourceTypes.Pods, ns, ct: ct)).Items.Cast<Pod>())
        {
            if (pod.Metadata.DeletionTimestamp is not null || IsReady(pod) || (which is not null && !which(pod)))
                continue;
            if (await TryReportAsync(pod, ready: true, ct))
                marked++;
        }
        return marked;
    }

    /// <summary>Reports the pod running but not ready (a failing readiness probe).</summary>
    public Task<bool> MarkNotReadyAsync(Pod pod, CancellationToken ct = default) => TryReportAsync(pod, ready: false, ct);

    /// <summary>Marks new pods ready as they appear, every <paramref name="period"/>, until cancelled.</summary>
    public async Task KeepReadyAsync(string ns, TimeSpan period, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await MarkReadyAsync(ns, null, ct);
                }
                catch (ApiClientException)
                {
                    // A pod deleted between list and write: the next round sees the new state.
                }
                await Task.Delay(period, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public static bool IsReady(Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    private async Task<bool> TryReportAsync(Pod pod, bool ready, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        now = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var ip = $"10.42.0.{Interlocked.Increment(ref _nextIp) % 250 + 2}";
        var status = new PodStatus
        {
            Phase = "Running",
            PodIP = ip,
            PodIPs = [new PodIP { Ip = ip }],
            StartTime = pod.Status?.StartTime ?? now,
            Conditions =
            [
                new PodCondition { Type = "Initialized", Status = "True", LastTransitionTime = now },
                new PodCondition { Type = "ContainersReady", Status = ready ? "True" : "False", LastTransitionTime = now },
                new PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = now },
            ],
        };
        // The scheduler writes the same pods' status (PodScheduled) concurrently: on a conflict, re-read and retry.
        for (var attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                await client.UpdateAsync(ResourceTypes.Pods, pod with { Status = status }, "status", ct);
                return true;
            }
            catch (ApiClientException e) when (e.Code == 409)
            {
                if (await client.TryGetAsync(ResourceTypes.Pods, pod.Metadata.Namespace, pod.Metadata.Name!, ct) is not Pod fresh || fresh.Metadata.DeletionTimestamp is not null)
                    return false;
                pod = fresh;
            }
            catch (ApiClientException e) when (e.Code == 404)
            {
                return false;
            }
        }
        return false;
    }
}
