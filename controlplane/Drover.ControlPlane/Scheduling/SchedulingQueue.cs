using Drover.Api;

namespace Drover.ControlPlane.Scheduling;

/// <summary>
/// The pods waiting for a node, as kube-scheduler's PriorityQueue keeps them (without priorities): an active
/// FIFO, a backoff set for pods whose last attempt failed recently, and the unschedulable pods parked until
/// the cluster changes in a way that could help them (or <see cref="UnschedulableFlushAfter"/> passes).
/// A pod never leaves backoff early, so a busy cluster cannot make a hopeless pod spin.
/// </summary>
/// <remarks>Not thread-safe: owned by the scheduling loop. Time comes in as arguments so it is testable.</remarks>
internal sealed class SchedulingQueue
{
    /// <summary>kube-scheduler's podInitialBackoffDuration.</summary>
    public static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(1);

    /// <summary>kube-scheduler's podMaxBackoffDuration.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    /// <summary>A parked pod is tried again after this long even if nothing seemed to change (Kubernetes waits 5 min).</summary>
    public static readonly TimeSpan UnschedulableFlushAfter = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, QueuedPod> _pods = new(StringComparer.Ordinal);
    // Keys may be stale (the pod left or moved on): an entry is only taken when its state still says so.
    private readonly Queue<QueuedPod> _active = new();
    private readonly PriorityQueue<QueuedPod, DateTimeOffset> _backoff = new();
    private readonly HashSet<QueuedPod> _unschedulable = [];

    /// <summary>Pods known to the queue in any state, including those being bound.</summary>
    public int Count => _pods.Count;

    public int ActiveCount => _active.Count;

    public int UnschedulableCount => _unschedulable.Count;

    public QueuedPod? Find(string key) => _pods.GetValueOrDefault(key);

    /// <summary>
    /// A pending pod was added or changed. New pods go to the back of the active FIFO. A known pod keeps its
    /// place, its backoff and its parking, unless its spec changed (its generation moved: e.g. a toleration was
    /// added), which may make it schedulable, so it is woken up (still subject to backoff).
    /// </summary>
    public void AddOrUpdate(string key, Pod pod, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(pod);
        if (_pods.TryGetValue(key, out var queued) && queued.Uid == pod.Metadata.Uid)
        {
            var specChanged = queued.Pod.Metadata.Generation != pod.Metadata.Generation;
            queued.Pod = pod;
            if (specChanged && queued.State == QueuedState.Unschedulable)
                Wake(queued, now);
            return;
        }
        if (queued is not null)
            Remove(key);
        queued = new QueuedPod(key, pod) { QueuedAt = now };
        _pods.Add(key, queued);
        Activate(queued);
    }

    public bool Remove(string key)
    {
        if (!_pods.Remove(key, out var queued))
            return false;
        _unschedulable.Remove(queued);
        queued.State = QueuedState.Gone;
        return true;
    }

    /// <summary>The next pod to try, oldest first, after moving pods whose backoff is over to the active FIFO.</summary>
    public bool TryPop(DateTimeOffset now, out QueuedPod pod)
    {
        FlushBackoff(now);
        while (_active.TryDequeue(out var next))
        {
            if (next.State != QueuedState.Active)
                continue;
            next.State = QueuedState.InFlight;
            next.Attempts++;
            next.LastAttempt = now;
            pod = next;
            return true;
        }
        pod = null!;
        return false;
    }

    /// <summary>
    /// The decision said no: park the pod until something changes. <paramref name="waitsForResources"/>: some
    /// node turned it down for lack of room, so a pod going away could help it (otherwise only node changes can).
    /// </summary>
    public void Park(QueuedPod pod, DateTimeOffset now, bool waitsForResources = true)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.State != QueuedState.InFlight)
            return;
        pod.State = QueuedState.Unschedulable;
        pod.ParkedAt = now;
        pod.WaitsForResources = waitsForResources;
        _unschedulable.Add(pod);
    }

    /// <summary>The binding failed (not for lack of a node): try again after the backoff.</summary>
    public void Retry(QueuedPod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.State != QueuedState.InFlight)
            return;
        pod.State = QueuedState.Backoff;
        _backoff.Enqueue(pod, pod.BackoffUntil);
    }

    /// <summary>
    /// The cluster changed in a way that could make parked pods fit: a node joined or changed for the better
    /// (every parked pod is tried again), or only a bound pod went away (<paramref name="resourcesOnly"/>: only
    /// pods some node turned down for lack of room). Each as soon as its backoff allows.
    /// </summary>
    public void WakeUnschedulable(DateTimeOffset now, bool resourcesOnly = false)
    {
        if (_unschedulable.Count == 0)
            return;
        if (resourcesOnly)
        {
            _unschedulable.RemoveWhere(pod =>
            {
                if (!pod.WaitsForResources)
                    return false;
                Move(pod, now);
                return true;
            });
            return;
        }
        foreach (var pod in _unschedulable)
            Move(pod, now);
        _unschedulable.Clear();
    }

    /// <summary>Pods parked for longer than <see cref="UnschedulableFlushAfter"/> are tried again whatever happened.</summary>
    public void FlushLongParked(DateTimeOffset now)
    {
        if (_unschedulable.Count == 0)
            return;
        List<QueuedPod>? due = null;
        foreach (var pod in _unschedulable)
        {
            if (now - pod.ParkedAt >= UnschedulableFlushAfter)
                (due ??= []).Add(pod);
        }
        foreach (var pod in due ?? [])
            Wake(pod, now);
    }

    /// <summary>Backoff after <paramref name="attempts"/> failed attempts: 1 s doubling to 10 s.</summary>
    public static TimeSpan Backoff(int attempts)
    {
        var ticks = InitialBackoff.Ticks;
        for (var i = 1; i < attempts && ticks < MaxBackoff.Ticks; i++)
            ticks *= 2;
        return TimeSpan.FromTicks(Math.Min(ticks, MaxBackoff.Ticks));
    }

    private void Wake(QueuedPod pod, DateTimeOffset now)
    {
        _unschedulable.Remove(pod);
        Move(pod, now);
    }

    private void Move(QueuedPod pod, DateTimeOffset now)
    {
        if (pod.BackoffUntil <= now)
        {
            Activate(pod);
        }
        else
        {
            pod.State = QueuedState.Backoff;
            _backoff.Enqueue(pod, pod.BackoffUntil);
        }
    }

    private void Activate(QueuedPod pod)
    {
        pod.State = QueuedState.Active;
        _active.Enqueue(pod);
    }

    private void FlushBackoff(DateTimeOffset now)
    {
        while (_backoff.TryPeek(out var pod, out var until) && until <= now)
        {
            _backoff.Dequeue();
            if (pod.State == QueuedState.Backoff && pod.BackoffUntil <= now)
                Activate(pod);
        }
    }
}
