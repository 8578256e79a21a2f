using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Volumes;

/// <summary>
/// Kubelet's watch-based ConfigMap and Secret managers (configMapAndSecretChangeDetectionStrategy: Watch, its default):
/// one single-object watch (<see cref="ReferencedObjectWatch{T}"/>) for each ConfigMap and Secret that the pods of this
/// node reference (<see cref="PodReferences"/>), started when the first pod referencing it is tracked and stopped when
/// the last one is forgotten. A change of the object wakes the pods that reference it, whose next sync reads it again and
/// swaps their volumes' `..data` (env vars stay as the container started with, as in Kubernetes), so a change reaches
/// the files in about the time of one watch event and one sync instead of waiting for the periodic resync, which stays
/// as the fallback (a watch that droverd refuses or drops). Thread-safe: tracked from the pod watch, forgotten from the
/// workers' tasks.
/// </summary>
internal sealed partial class ReferencedObjectWatches : IDisposable
{
    private readonly DroverClient _api;
    private readonly Action<string> _wake;
    private readonly TimeSpan _backoffInitial;
    private readonly TimeSpan _backoffMax;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _sync = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, HashSet<ObjectKey>> _byPod = new(StringComparer.Ordinal);
    private readonly Dictionary<ObjectKey, Watched> _watches = [];
    private bool _disposed;

    /// <param name="wake">Called with the UID of each pod referencing an object that changed.</param>
    /// <param name="backoffInitial">First wait of a watch that fails (a 403 until droverd's node graph has the pod's binding; droverd away).</param>
    /// <param name="backoffMax">Longest wait between its retries.</param>
    public ReferencedObjectWatches(DroverClient api, Action<string> wake, TimeSpan backoffInitial, TimeSpan backoffMax, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(wake);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _api = api;
        _wake = wake;
        _backoffInitial = backoffInitial;
        _backoffMax = backoffMax;
        _time = time;
        _logger = logger;
    }

    /// <summary>The objects watched now (namespace, kind, name), for tests and diagnostics.</summary>
    public IReadOnlyCollection<ObjectKey> WatchedObjects
    {
        get
        {
            lock (_sync)
                return [.. _watches.Keys];
        }
    }

    /// <summary>The pod's references as of this spec: watches start for new ones and stop for those no pod references any more.</summary>
    public void Track(string uid, Pod pod)
    {
        ArgumentException.ThrowIfNullOrEmpty(uid);
        ArgumentNullException.ThrowIfNull(pod);
        var ns = pod.Metadata.Namespace ?? "default";
        var keys = PodReferences.Of(pod.Spec ?? new PodSpec()).Select(r => new ObjectKey(r.Type, ns, r.Name)).ToHashSet();
        lock (_sync)
        {
            if (_disposed)
                return;
            var old = _byPod.GetValueOrDefault(uid);
            if (old is not null && old.SetEquals(keys))
                return;
            foreach (var key in keys.Where(k => old?.Contains(k) != true))
                Add(uid, key);
            foreach (var key in old?.Where(k => !keys.Contains(k)) ?? [])
                Remove(uid, key);
            if (keys.Count == 0)
                _byPod.Remove(uid);
            else
                _byPod[uid] = keys;
        }
    }

    /// <summary>The pod is gone from this node: its watches stop unless another pod references the same objects.</summary>
    public void Forget(string uid)
    {
        lock (_sync)
        {
            if (!_byPod.Remove(uid, out var keys))
                return;
            foreach (var key in keys)
                Remove(uid, key);
        }
    }

    public void Dispose()
    {
        lock (_sync)
        {
            if (_disposed)
                return;
            _disposed = true;
            foreach (var watched in _watches.Values)
                watched.Stop.Cancel();
            _watches.Clear();
            _byPod.Clear();
        }

        _stop.Cancel();
        _stop.Dispose();
    }

    private void Add(string uid, ObjectKey key)
    {
        if (_watches.TryGetValue(key, out var watched))
        {
            watched.Pods.Add(uid);
            return;
        }

        watched = new Watched(CancellationTokenSource.CreateLinkedTokenSource(_stop.Token));
        watched.Pods.Add(uid);
        _watches[key] = watched;
        var run = key.Type == ResourceTypes.Secrets
            ? Run(ResourceTypes.Secrets, key, watched.Stop.Token)
            : Run(ResourceTypes.ConfigMaps, key, watched.Stop.Token);
        // The source goes once its reflector has returned (cancelled), never while it may still be read.
        _ = run.ContinueWith(static (_, source) => ((CancellationTokenSource)source!).Dispose(), watched.Stop, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        LogWatching(key.Type.Singular, key.Namespace, key.Name);
    }

    private void Remove(string uid, ObjectKey key)
    {
        if (!_watches.TryGetValue(key, out var watched) || !watched.Pods.Remove(uid) || watched.Pods.Count > 0)
            return;
        _watches.Remove(key);
        watched.Stop.Cancel();
        LogUnwatched(key.Type.Singular, key.Namespace, key.Name);
    }

    private async Task Run<T>(ResourceType<T> type, ObjectKey key, CancellationToken ct)
        where T : KubeObject
    {
        // Off the caller's thread (the pod watch): the reflector's first list is a request.
        await Task.Yield();
        var handler = new ReferencedObjectWatch<T>(key.Name, () => Changed(key), error => LogWatchFailed(key.Type.Singular, key.Namespace, key.Name, error));
        try
        {
            await new Reflector<T>(_api, type, handler, new ReflectorOptions<T>
            {
                Namespace = key.Namespace,
                FieldSelector = "metadata.name=" + key.Name,
                BackoffInitial = _backoffInitial,
                BackoffMax = _backoffMax,
                Time = _time,
            }).RunAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The reflector retries every failure itself; anything else is a bug, not a reason to bring the agent down.
            LogWatchFailed(key.Type.Singular, key.Namespace, key.Name, e.Message);
        }
    }

    private void Changed(ObjectKey key)
    {
        string[] pods;
        lock (_sync)
        {
            if (!_watches.TryGetValue(key, out var watched))
                return;
            pods = [.. watched.Pods];
        }

        LogChanged(key.Type.Singular, key.Namespace, key.Name, pods.Length);
        foreach (var uid in pods)
            _wake(uid);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Watching {Kind} {Namespace}/{Name} for the pods that reference it")]
    private partial void LogWatching(string kind, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No pod references {Kind} {Namespace}/{Name} any more: its watch stops")]
    private partial void LogUnwatched(string kind, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Kind} {Namespace}/{Name} changed: waking {Pods} pod(s)")]
    private partial void LogChanged(string kind, string @namespace, string name, int pods);

    // Debug: a 403 right after a pod is bound (droverd's node graph catches up) is routine, and the resync covers it.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Watch of {Kind} {Namespace}/{Name} failed (retrying; the pods' periodic resync still reads it): {Error}")]
    private partial void LogWatchFailed(string kind, string @namespace, string name, string error);

    /// <summary>A watched object: the pods that reference it and the source that stops its watch.</summary>
    private sealed class Watched(CancellationTokenSource stop)
    {
        public CancellationTokenSource Stop { get; } = stop;

        public HashSet<string> Pods { get; } = new(StringComparer.Ordinal);
    }
}
