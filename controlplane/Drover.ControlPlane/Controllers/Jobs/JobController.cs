using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.ExceptionServices;
using Drover.Api;
using Drover.ControlPlane.Controllers.Framework;
using Drover.ControlPlane.Controllers.ReplicaSets;
using Drover.ControlPlane.Events;
using Drover.ControlPlane.Informers;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Controllers.Jobs;

/// <summary>
/// Runs each Job's pods to completion (Kubernetes' job controller, and its ttl-after-finished controller folded in):
/// level-triggered on Job keys, reading the Job's pods from the shared informer by their controller uid, creating
/// and deleting what <see cref="JobPlanner"/> decides, writing the status and conditions, and deleting a finished
/// Job once ttlSecondsAfterFinished has passed (its pods go with it through the garbage collector).
/// </summary>
public sealed partial class JobController : QueueController
{
    public const string Component = "job-controller";

    private readonly ObjectService _objects;
    private readonly Informer<Job> _jobs;
    private readonly Informer<Pod> _pods;
    private readonly Expectations _expectations;
    /// <summary>The resourceVersion of the last Job status this controller wrote, per key, until the cache shows it.</summary>
    private readonly ConcurrentDictionary<string, long> _ownWrites = new(StringComparer.Ordinal);
    private readonly EventRecorder _events;
    private readonly PodControl _podControl;
    private readonly TimeProvider _time;
    private readonly ILogger<JobController> _logger;

    public JobController(ObjectService objects, SharedInformers informers, EventWriter events, TimeProvider time, ILogger<JobController> logger)
        : base("Job", time, logger)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _objects = objects;
        _time = time;
        _logger = logger;
        _events = events.ForComponent(Component);
        _expectations = new Expectations(time);
        _podControl = new PodControl(objects, _events, _expectations);
        _jobs = informers.For(ResourceTypes.Jobs);
        _pods = informers.For(ResourceTypes.Pods);
        WorkloadIndexes.EnsureOn(_pods);
        _jobs.AddHandler(OnJobChanged);
        _pods.AddHandler(OnPodChanged);
    }

    protected override IEnumerable<Task> CachesSynced => [_jobs.Synced, _pods.Synced];

    protected override async Task SyncAsync(string key, CancellationToken ct)
    {
        if (key.StartsWith(OrphanPodPrefix, StringComparison.Ordinal))
        {
            await ReleaseOrphanAsync(key[OrphanPodPrefix.Length..], ct).ConfigureAwait(false);
            return;
        }
        var (ns, name) = Informer.SplitKey(key);
        if (_jobs.Get(ns, name) is not { } job)
        {
            _expectations.Delete(key);
            _ownWrites.TryRemove(key, out _);
            return;
        }
        if (IsBehindOwnWrite(key, job))
        {
            // The cache has not caught up with this controller's last write (another informer's event came first). Its
            // counts and conditions are older than the ones written: deciding on them would undo them, or start pods for a
            // Job already failed. The Job's own event for that write queues the key again.
            return;
        }
        if (job.Metadata.DeletionTimestamp is not null)
        {
            // A Job being deleted counts nothing more; its pods must not be kept by the finalizer (a foreground deletion waits for them).
            await Task.WhenAll(OwnedPods(job).Where(JobTracking.HasFinalizer).Select(pod => _podControl.RemoveFinalizerAsync(pod, JobLabels.TrackingFinalizer, ct))).ConfigureAwait(false);
            return;
        }

        var now = _time.GetUtcNow();
        if (JobPlanner.ExpiresAt(job) is { } expires)
        {
            if (now >= expires)
            {
                await DeleteExpiredAsync(job, ct).ConfigureAwait(false);
                return;
            }
            Queue.AddAfter(key, expires - now + TimeSpan.FromMilliseconds(50));
        }

        var pods = OwnedPods(job);
        var needsSync = _expectations.Satisfied(key);
        var plan = JobPlanner.Plan(job, pods, now);
        if (!needsSync && plan.Finished is null)
        {
            // Creations or deletions are still to show in the cache: deciding again now would double them.
            return;
        }

        Exception? manageError = null;
        var created = 0;
        if (plan.Finished is null)
        {
            try
            {
                if (plan.Delete.Count > 0)
                    await _podControl.DeleteAsync(key, ResourceTypes.Jobs, job, plan.Delete, ct).ConfigureAwait(false);
                if (plan.Create > 0)
                    created = await CreatePodsAsync(key, job, plan, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                manageError = e;
            }
        }

        var (written, tracking) = await TrackAsync(key, job, plan, ct).ConfigureAwait(false);
        var status = tracking.ApplyTo(plan.Status, job.Spec.CompletionMode == JobIndexes.Indexed);
        if (created < plan.Create)
            status = status with { Active = NullIfZero((status.Active ?? 0) - (plan.Create - created)) };
        var stored = await UpdateStatusAsync(key, written, status, ct).ConfigureAwait(false);

        if (plan.Finished is { } finished && stored)
        {
            // The pods still running go only once the Complete or Failed condition is stored: the evidence of a failure
            // (an OnFailure pod's restarts) goes with them, and a sync that ran between would start a replacement.
            if (plan.Delete.Count > 0)
                await _podControl.DeleteAsync(key, ResourceTypes.Jobs, job, plan.Delete, ct).ConfigureAwait(false);
            if (finished.Type == JobPlanner.Complete)
                _events.Normal(ResourceTypes.Jobs, job, "Completed", "Job completed");
            else
                _events.Warning(ResourceTypes.Jobs, job, finished.Reason ?? "Failed", finished.Message ?? "");
            if (job.Spec.TtlSecondsAfterFinished is { } ttl)
                Queue.AddAfter(key, TimeSpan.FromSeconds(ttl) + TimeSpan.FromMilliseconds(50));
        }
        if (plan.BackingOff)
            LogBackingOff(_logger, key, plan.RequeueAt!.Value);
        if (plan.RequeueAt is { } at)
            Queue.AddAfter(key, at > now ? at - now + TimeSpan.FromMilliseconds(50) : TimeSpan.FromMilliseconds(50));
        if (manageError is not null)
            ExceptionDispatchInfo.Throw(manageError);
    }

    /// <summary>Every pod this Job controls, finished ones included (they are its succeeded and failed counts).</summary>
    private List<Pod> OwnedPods(Job job)
    {
        var pods = new List<Pod>();
        foreach (var pod in _pods.ByIndex(WorkloadIndexes.ByControllerUid, job.Metadata.Uid ?? ""))
        {
            if (pod.Metadata.Namespace == job.Metadata.Namespace)
                pods.Add(pod);
        }
        return pods;
    }

    /// <summary>
    /// Counts finished pods the tracking-finalizer way: their UIDs into status.uncountedTerminatedPods first, then their
    /// finalizers off, and those that came off into the counts (the caller writes them). Returns the Job as last written.
    /// </summary>
    private async Task<(Job Written, JobTracking Tracking)> TrackAsync(string key, Job job, JobPlan plan, CancellationToken ct)
    {
        var tracking = plan.Tracking;
        if (tracking.RemoveFinalizer.Count == 0)
            return (job, tracking);
        var indexed = job.Spec.CompletionMode == JobIndexes.Indexed;
        var recorded = tracking.ApplyTo(job.Status ?? new JobStatus(), indexed);
        if (!JobPlanner.StatusEquals(job.Status, recorded))
        {
            // Recorded before any finalizer goes: a crash in between leaves the UIDs to count, never a pod counted twice or not at all.
            job = await _objects.UpdateAsync(ResourceTypes.Jobs, job with { Status = recorded }, statusOnly: true, ct).ConfigureAwait(false);
            RememberOwnWrite(key, job);
        }
        var results = await Task.WhenAll(tracking.RemoveFinalizer.Select(async pod =>
            await _podControl.RemoveFinalizerAsync(pod, JobLabels.TrackingFinalizer, ct).ConfigureAwait(false) ? pod.Metadata.Uid : null)).ConfigureAwait(false);
        return (job, tracking.Released([.. results.OfType<string>()]));
    }

    private async Task<int> CreatePodsAsync(string key, Job job, JobPlan plan, CancellationToken ct)
    {
        var count = plan.Create;
        _expectations.ExpectCreations(key, count);
        var controller = ControllerRefs.For(ResourceTypes.Jobs, job);
        var pods = plan.CreateIndexes is { } indexes
            ? indexes.Select(index => PodFromTemplate(job, controller, index)).ToList()
            : Enumerable.Repeat(PodFromTemplate(job, controller), count).ToList();
        var created = 0;
        var next = 0;
        Exception? failure = null;
        foreach (var batch in ReplicaSetPlanner.SlowStartBatches(count))
        {
            var results = await Task.WhenAll(pods.Skip(next).Take(batch).Select(pod => _podControl.CreateAsync(ResourceTypes.Jobs, job, pod, ct))).ConfigureAwait(false);
            next += batch;
            foreach (var error in results)
            {
                if (error is null)
                    created++;
                else
                    failure ??= error;
            }
            if (failure is not null)
                break;
        }
        for (var i = created; i < count; i++)
            _expectations.CreationObserved(key);
        if (failure is not null)
            ExceptionDispatchInfo.Throw(failure);
        return created;
    }

    private async Task DeleteExpiredAsync(Job job, CancellationToken ct)
    {
        // The cache may lag a delete-and-recreate: only the Job the store has now, and only if it is this one.
        var fresh = await _objects.GetAsync(ResourceTypes.Jobs, job.Metadata.Namespace, job.Metadata.Name!, ct).ConfigureAwait(false);
        if (fresh is null || fresh.Metadata.Uid != job.Metadata.Uid)
            return;
        try
        {
            // Background propagation: the garbage collector removes the pods once the Job is gone.
            await _objects.DeleteAsync(ResourceTypes.Jobs, job.Metadata.Namespace, job.Metadata.Name!, new DeleteOptions(PropagationPolicy: PropagationPolicies.Background), ct).ConfigureAwait(false);
            LogExpired(_logger, job.Metadata.Namespace ?? "", job.Metadata.Name ?? "");
        }
        catch (ApiException e) when (e.Status.Code == 404)
        {
            // Gone already.
        }
    }

    // The status (counts, conditions) holds only for the Job it was computed from: unlike a ReplicaSet's, a Job's counts
    // accumulate (a counted pod loses its finalizer and may be gone), so after a 409 it is not written over a newer
    // Job; that Job's event queues a sync that computes it again.
    /// <returns>Whether the Job stored now has this status.</returns>
    private async Task<bool> UpdateStatusAsync(string key, Job job, JobStatus status, CancellationToken ct)
    {
        if (JobPlanner.StatusEquals(job.Status, status))
            return true;
        var written = await StatusWriter.WriteOnCachedAsync(_objects, ResourceTypes.Jobs, job, current => current with { Status = status }, ct).ConfigureAwait(false);
        if (written is null)
            return false;
        RememberOwnWrite(key, written);
        return true;
    }

    private void RememberOwnWrite(string key, Job written) => _ownWrites[key] = ResourceVersions.Of(written);

    /// <summary>Whether the cached Job is older than one this controller wrote (forgotten once the cache has it).</summary>
    private bool IsBehindOwnWrite(string key, Job cached)
    {
        if (!_ownWrites.TryGetValue(key, out var revision))
            return false;
        if (ResourceVersions.Of(cached) < revision)
            return true;
        _ownWrites.TryRemove(new KeyValuePair<string, long>(key, revision));
        return false;
    }

    /// <summary>
    /// A pod for <paramref name="job"/>: its template's labels (with the job-name and controller-uid labels), annotations
    /// and spec, and the tracking finalizer. With a completion <paramref name="index"/> (Indexed Jobs, as Kubernetes'
    /// addCompletionIndexEnvVariables): the index as annotation and label, JOB_COMPLETION_INDEX in every container from
    /// that annotation, and the hostname <c>$(job)-$(index)</c>.
    /// </summary>
    public static Pod PodFromTemplate(Job job, OwnerReference controller, int? index = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(controller);
        var template = job.Spec.Template;
        var labels = template.Metadata?.Labels is { } l ? new Dictionary<string, string>(l) : null;
        var annotations = template.Metadata?.Annotations is { } a ? new Dictionary<string, string>(a) : null;
        List<string> finalizers = template.Metadata?.Finalizers is { } f ? [.. f] : [];
        if (!finalizers.Contains(JobLabels.TrackingFinalizer))
            finalizers.Add(JobLabels.TrackingFinalizer);
        var spec = template.Spec;
        var prefix = job.Metadata.Name + "-";
        if (index is { } i)
        {
            var text = i.ToString(CultureInfo.InvariantCulture);
            (labels ??= [])[JobLabels.CompletionIndex] = text;
            (annotations ??= [])[JobLabels.CompletionIndex] = text;
            prefix = $"{job.Metadata.Name}-{text}-";
            spec = spec with
            {
                Hostname = spec.Hostname ?? $"{job.Metadata.Name}-{text}",
                Containers = [.. spec.Containers.Select(WithIndexEnv)],
                InitContainers = spec.InitContainers is { } init ? [.. init.Select(WithIndexEnv)] : null,
            };
        }
        return new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta
            {
                GenerateName = prefix,
                Namespace = job.Metadata.Namespace,
                Labels = labels,
                Annotations = annotations,
                Finalizers = finalizers,
                OwnerReferences = [controller],
            },
            Spec = spec,
        };
    }

    private static Container WithIndexEnv(Container container)
    {
        if (container.Env?.Any(e => e.Name == JobLabels.CompletionIndexEnv) == true)
            return container;
        var env = new EnvVar
        {
            Name = JobLabels.CompletionIndexEnv,
            ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = $"metadata.annotations['{JobLabels.CompletionIndex}']" } },
        };
        return container with { Env = [.. container.Env ?? [], env] };
    }

    private const string OrphanPodPrefix = "orphan-pod:";

    /// <summary>
    /// A pod that still carries the tracking finalizer but whose Job is gone (deleted, or another Job by now): nobody
    /// will count it, so the finalizer goes (Kubernetes' orphan pod handling), after checking the store, not the cache.
    /// </summary>
    private async Task ReleaseOrphanAsync(string podKey, CancellationToken ct)
    {
        var (ns, name) = Informer.SplitKey(podKey);
        if (_pods.Get(ns, name) is not Pod pod || !JobTracking.HasFinalizer(pod))
            return;
        if (ControllerRefs.ControllerOf(pod.Metadata) is { Kind: "Job" } owner
            && await _objects.GetAsync(ResourceTypes.Jobs, ns, owner.Name, ct).ConfigureAwait(false) is Job job && job.Metadata.Uid == owner.Uid)
            return;
        await _podControl.RemoveFinalizerAsync(pod, JobLabels.TrackingFinalizer, ct).ConfigureAwait(false);
    }

    private static int? NullIfZero(int value) => value <= 0 ? null : value;
}
