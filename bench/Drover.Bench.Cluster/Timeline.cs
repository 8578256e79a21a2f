using System.Diagnostics;
using System.Globalization;
using System.Text;
using Drover.Api;
using Drover.Api.Client;

namespace Drover.Bench.Cluster;

/// <summary>
/// What droverd's watches show during a rollout, each change stamped with the driver's monotonic clock when it
/// arrives: ReplicaSets scaled, pods created, bound, given an IP (sandbox up), running, Ready, their IPs in or out
/// of the Service's Endpoints, deletion started, deleted. The per-step breakdown of a rollout is read from here.
/// </summary>
internal sealed class Timeline : IAsyncDisposable
{
    private readonly Stopwatch _clock;
    private readonly List<(TimeSpan At, string What)> _entries = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int?> _replicaSets = new(StringComparer.Ordinal);
    private string? _lastDeployment;
    private HashSet<string> _endpoints = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _watches = [];

    public Timeline(Stopwatch clock) => _clock = clock;

    public void Start(DroverClient api)
    {
        _watches.Add(WatchAsync(api, ResourceTypes.Pods, "app=my-app", OnPod));
        _watches.Add(WatchAsync(api, ResourceTypes.ReplicaSets, "app=my-app", OnReplicaSet));
        _watches.Add(WatchAsync(api, ResourceTypes.Endpoints, null, OnEndpoints));
        _watches.Add(WatchAsync(api, ResourceTypes.Deployments, null, OnDeployment));
    }

    /// <summary>Entries from <paramref name="from"/> on, as "+1.234 s what" lines relative to it.</summary>
    public string Since(TimeSpan from)
    {
        var text = new StringBuilder();
        lock (_entries)
        {
            foreach (var (at, what) in _entries.Where(e => e.At >= from))
                text.AppendLine(CultureInfo.InvariantCulture, $"  +{(at - from).TotalSeconds,6:0.000} s  {what}");
        }
        return text.ToString();
    }

    private void Add(string what)
    {
        lock (_entries)
            _entries.Add((_clock.Elapsed, what));
    }

    private async Task WatchAsync(DroverClient api, ResourceType type, string? selector, Action<WatchEvent> handle)
    {
        var list = await api.ListAsync(type, "default", selector).ConfigureAwait(false);
        foreach (var item in list.Items)
            handle(new WatchEvent("ADDED", item, null, null));
        try
        {
            await foreach (var e in api.WatchAsync(type, "default", list.ResourceVersion, selector, ct: _stop.Token).ConfigureAwait(false))
                handle(e);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private void OnReplicaSet(WatchEvent e)
    {
        if (e.Object is not ReplicaSet rs)
            return;
        var name = rs.Metadata.Name!;
        lock (_replicaSets)
        {
            if (_replicaSets.TryGetValue(name, out var old) && old == rs.Spec.Replicas)
                return;
            _replicaSets[name] = rs.Spec.Replicas;
        }
        Add($"ReplicaSet {name} scaled to {rs.Spec.Replicas}");
    }

    private void OnDeployment(WatchEvent e)
    {
        if (e.Object is not Deployment { Metadata.Name: "my-app" } d)
            return;
        var s = d.Status;
        var line = $"Deployment generation {d.Metadata.Generation} ({d.Spec.Template.Spec.Containers[0].Image}), observed {s?.ObservedGeneration}: {s?.UpdatedReplicas} updated, {s?.ReadyReplicas} ready, {s?.AvailableReplicas} available of {s?.Replicas}";
        lock (_entries)
        {
            if (line == _lastDeployment)
                return;
            _lastDeployment = line;
        }
        Add(line);
    }

    private void OnEndpoints(WatchEvent e)
    {
        if (e.Object is not Endpoints { Metadata.Name: "my-app-service" } endpoints)
            return;
        var now = (endpoints.Subsets ?? []).SelectMany(s => s.Addresses ?? []).Select(a => a.Ip).ToHashSet(StringComparer.Ordinal);
        HashSet<string> before;
        lock (_entries)
        {
            before = _endpoints;
            _endpoints = now;
        }
        foreach (var ip in now.Except(before))
            Add($"Endpoints + {ip} ({now.Count} ready)");
        foreach (var ip in before.Except(now))
            Add($"Endpoints - {ip} ({now.Count} ready)");
    }

    private void OnPod(WatchEvent e)
    {
        if (e.Object is not Pod pod)
            return;
        var tag = $"pod {pod.Metadata.Name} ({pod.Spec.Containers[0].Image})";
        if (e.Type == "DELETED")
        {
            Add(tag + " deleted");
            return;
        }
        if (First(pod, "created", true))
            Add(tag + " created");
        if (First(pod, "bound", pod.Spec.NodeName is not null))
            Add($"{tag} bound to {pod.Spec.NodeName}");
        if (First(pod, "ip", !string.IsNullOrEmpty(pod.Status?.PodIP)))
            Add($"{tag} sandbox up, IP {pod.Status!.PodIP}");
        if (First(pod, "running", pod.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Running is not null))
            Add(tag + " container running");
        if (First(pod, "ready", pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true))
            Add(tag + " Ready");
        if (First(pod, "deleting", pod.Metadata.DeletionTimestamp is not null))
            Add(tag + " deletion started");
    }

    /// <summary>True the first time <paramref name="reached"/> holds for this pod's <paramref name="step"/>.</summary>
    private bool First(Pod pod, string step, bool reached)
    {
        if (!reached)
            return false;
        lock (_seen)
            return _seen.Add(pod.Metadata.Uid + "/" + step);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var watch in _watches)
        {
            try
            {
                await watch.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ApiClientException or IOException or HttpRequestException)
            {
            }
        }
        _stop.Dispose();
    }
}
