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
    private readonly Informer _jobs;
    private readonly Informer _pods;
    private readonly Expectations _expectations;
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

    protected override IEnumerable<Informer> Caches => [_jobs, _pods];

    protected override async Task SyncAsync(string key, CancellationToken ct)
    {
        var (ns, name) = Informer.SplitKey(key);
        if (_jobs.Get(ns, name) is not Job job)
        {
            _expectations.Delete(key);
            return;
        }
        if (job.Metadata.DeletionTimestamp is not null)
            return;

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
        try
        {
            if (plan.Delete.Count > 0)
                await _podControl.DeleteAsync(key, ResourceTypes.Jobs, job, plan.Delete, ct).ConfigureAwait(false);
            if (plan.Create > 0)
                created = await CreatePodsAsync(key, job, plan.Create, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            manageError = e;
        }

        var status = plan.Status;
        if (created < plan.Create)
            status = status with { Active = NullIfZero((status.Active ?? 0) - (plan.Create - created)) };
        await UpdateStatusAsync(job, status, ct).ConfigureAwait(false);

        if (plan.Finished is { } finished)
        {
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
        foreach (var obj in _pods.ByIndex(WorkloadIndexes.ByControllerUid, job.Metadata.Uid ?? ""))
        {
            if (obj is Pod pod && pod.Metadata.Namespace == job.Metadata.Namespace)
                pods.Add(pod);
        }
        return pods;
    }

    private async Task<int> CreatePodsAsync(string key, Job job, int count, CancellationToken ct)
    {
        _expectations.ExpectCreations(key, count);
        var template = PodFromTemplate(job, ControllerRefs.For(ResourceTypes.Jobs, job));
        var created = 0;
        Exception? failure = null;
        foreach (var batch in ReplicaSetPlanner.SlowStartBatches(count))
        {
            var results = await Task.WhenAll(Enumerable.Range(0, batch).Select(_ => _podControl.CreateAsync(ResourceTypes.Jobs, job, template, ct))).ConfigureAwait(false);
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

    // The status (counts, conditions) is computed against this generation's spec (completions, suspend).
    private Task UpdateStatusAsync(Job job, JobStatus status, CancellationToken ct) =>
        StatusWriter.WriteAsync(_objects, ResourceTypes.Jobs, job,
            current => current.Metadata.Generation != job.Metadata.Generation || JobPlanner.StatusEquals(current.Status, status)
                ? null : current with { Status = status }, ct);

    /// <summary>A pod for <paramref name="job"/>: its template's labels (with the job-name and controller-uid labels), annotations and spec.</summary>
    public static Pod PodFromTemplate(Job job, OwnerReference controller)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(controller);
        var template = job.Spec.Template;
        return new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta
            {
                GenerateName = job.Metadata.Name + "-",
                Namespace = job.Metadata.Namespace,
                Labels = template.Metadata?.Labels is { } labels ? new Dictionary<string, string>(labels) : null,
                Annotations = template.Metadata?.Annotations is { } annotations ? new Dictionary<string, string>(annotations) : null,
                Finalizers = template.Metadata?.Finalizers is { } finalizers ? [.. finalizers] : null,
                OwnerReferences = [controller],
            },
            Spec = template.Spec,
        };
    }

    private static int? NullIfZero(int value) => value <= 0 ? null : value;
}
