using System.Collections.Concurrent;
using System.Diagnostics;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.E2E.Cluster.Tests;

/// <summary>
/// When the test first saw each pod of a namespace Ready and when it first saw it terminating, from a watch
/// on droverd (Stopwatch timestamps, the clock <see cref="IngressLoad"/> stamps responses with). A pod's
/// Ready condition carries whole seconds only, too coarse for the 1 s bounds.
/// </summary>
internal sealed class PodTimeline : IAsyncDisposable
{
    private readonly DroverClient _api;
    private readonly string _namespace;
    private readonly ConcurrentDictionary<string, long> _ready = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _terminating = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _listed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;

    private PodTimeline(DroverClient api, string @namespace)
    {
        _api = api;
        _namespace = @namespace;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Starts watching; returns once the first list is in, so nothing that happens afterwards is missed.</summary>
    public static async Task<PodTimeline> StartAsync(DroverClient api, string @namespace)
    {
        var timeline = new PodTimeline(api, @namespace);
        await timeline._listed.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return timeline;
    }

    /// <summary>When the pod was first seen Ready, or null.</summary>
    public long? ReadyAt(string pod) => _ready.TryGetValue(pod, out var at) ? at : null;

    /// <summary>When the pod was first seen with a deletionTimestamp, or null.</summary>
    public long? TerminatingAt(string pod) => _terminating.TryGetValue(pod, out var at) ? at : null;

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var list = await _api.ListAsync(ResourceTypes.Pods, _namespace, ct: ct).ConfigureAwait(false);
                foreach (var pod in list.Items.Cast<Pod>())
                    Record(pod);
                _listed.TrySetResult();
                await foreach (var change in _api.WatchAsync(ResourceTypes.Pods, _namespace, list.ResourceVersion, ct: ct).ConfigureAwait(false))
                {
                    if (change.Object is Pod pod)
                        Record(pod);
                }
            }
            catch (Exception e) when (e is ApiClientException or HttpRequestException or IOException && !ct.IsCancellationRequested)
            {
                // The stream broke: list again (nothing in between is lost, only re-read) after a breath.
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
        }
    }

    private void Record(Pod pod)
    {
        var now = Stopwatch.GetTimestamp();
        var name = pod.Metadata.Name!;
        if (pod.Metadata.DeletionTimestamp is not null)
            _terminating.TryAdd(name, now);
        else if (TestCluster.IsReady(pod))
            _ready.TryAdd(name, now);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
