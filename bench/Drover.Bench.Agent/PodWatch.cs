using System.Collections.Concurrent;
using System.Diagnostics;
using Drover.Api;
using Drover.Api.Client;

namespace Drover.Bench.Agent;

/// <summary>
/// One watch on the node's pods for the whole run, opened before the first pod is created, so no per-pod watch set-up
/// lands inside a measurement. Stamps (Stopwatch timestamps, taken as each event is read) when droverd first reports
/// a pod's IP and when it first reports Ready=True.
/// </summary>
internal sealed class PodWatch : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, PodExpectation> _pods = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public static async Task<PodWatch> StartAsync(DroverClient api, string ns, string nodeName, CancellationToken ct)
    {
        var watch = new PodWatch();
        var list = await api.ListAsync(ResourceTypes.Pods, ns, fieldSelector: $"spec.nodeName={nodeName}", ct: ct).ConfigureAwait(false);
        watch._loop = Task.Run(() => watch.RunAsync(api, ns, nodeName, list.ResourceVersion), CancellationToken.None);
        return watch;
    }

    /// <summary>Call before creating the pod, so no event about it can be missed.</summary>
    public PodExpectation Expect(string name) => _pods.GetOrAdd(name, _ => new PodExpectation());

    private async Task RunAsync(DroverClient api, string ns, string nodeName, string? resourceVersion)
    {
        Exception? failure = null;
        try
        {
            await foreach (var ev in api.WatchAsync(ResourceTypes.Pods, ns, resourceVersion, fieldSelector: $"spec.nodeName={nodeName}", ct: _stop.Token).ConfigureAwait(false))
            {
                var now = Stopwatch.GetTimestamp();
                if (ev.Object is not Pod pod || !_pods.TryGetValue(pod.Metadata.Name ?? "", out var expected))
                    continue;
                if (pod.Status?.PodIP is { Length: > 0 } ip)
                    expected.Ip.TrySetResult((now, ip));
                if (pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true)
                    expected.Ready.TrySetResult(now);
            }
            failure = new InvalidOperationException("droverd ended the pod watch");
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is ApiClientException or HttpRequestException or IOException)
        {
            failure = e;
        }
        if (failure is not null)
        {
            foreach (var expected in _pods.Values)
            {
                expected.Ip.TrySetException(failure);
                expected.Ready.TrySetException(failure);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
