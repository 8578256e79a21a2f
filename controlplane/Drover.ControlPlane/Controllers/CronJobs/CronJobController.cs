using Drover.Api;
using Drover.ControlPlane.Controllers.Framework;
using Drover.ControlPlane.Events;
using Drover.ControlPlane.Informers;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Controllers.CronJobs;

/// <summary>
/// Starts each CronJob's Jobs on its schedule (Kubernetes' cronjob controller v2): level-triggered on CronJob keys,
/// woken by its Jobs' changes and, between them, by a timer at the next scheduled time (the work queue's delayed
/// add on the injected clock); what to do comes from <see cref="CronJobPlanner"/>.
/// </summary>
public sealed partial class CronJobController : QueueController
{
    public const string Component = "cronjob-controller";

    private readonly ObjectService _objects;
    private readonly Informer<CronJob> _cronJobs;
    private readonly Informer<Job> _jobs;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger<CronJobController> _logger;

    public CronJobController(ObjectService objects, SharedInformers informers, EventWriter events, TimeProvider time, ILogger<CronJobController> logger)
        : base("CronJob", time, logger, workers: 1)
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
        _cronJobs = informers.For(ResourceTypes.CronJobs);
        _jobs = informers.For(ResourceTypes.Jobs);
        WorkloadIndexes.EnsureOn(_jobs);
        _cronJobs.AddHandler(change => Queue.Add(Informer.KeyOf(change.Latest)));
        _jobs.AddHandler(OnJobChanged);
    }

    private void OnJobChanged(ObjectChange<Job> change)
    {
        var job = change.Latest;
        if (ControllerRefs.ControllerOf(job.Metadata) is not { Kind: "CronJob" } controller)
            return;
        if (_cronJobs.Get(job.Metadata.Namespace, controller.Name) is { } cronJob && cronJob.Metadata.Uid == controller.Uid)
            Queue.Add(Informer.KeyOf(cronJob));
    }

    protected override IEnumerable<Task> CachesSynced => [_cronJobs.Synced, _jobs.Synced];

    protected override async Task SyncAsync(string key, CancellationToken ct)
    {
        var (ns, name) = Informer.SplitKey(key);
        if (_cronJobs.Get(ns, name) is not { } cronJob)
            return;
        var jobs = _jobs.ByIndex(WorkloadIndexes.ByControllerUid, cronJob.Metadata.Uid ?? "")
            .Where(j => j.Metadata.Namespace == cronJob.Metadata.Namespace).ToList();
        var now = _time.GetUtcNow();
        var plan = CronJobPlanner.Plan(cronJob, jobs, now);
        foreach (var (type, reason, message) in plan.Events)
        {
            if (type == "Warning")
                _events.Warning(ResourceTypes.CronJobs, cronJob, reason, message);
            else
                _events.Normal(ResourceTypes.CronJobs, cronJob, reason, message);
        }

        foreach (var job in plan.Delete)
        {
            try
            {
                // Background: the Job's pods follow it through the garbage collector.
                await _objects.DeleteAsync(ResourceTypes.Jobs, job.Metadata.Namespace, job.Metadata.Name!, new DeleteOptions(PropagationPolicy: PropagationPolicies.Background), ct).ConfigureAwait(false);
                _events.Normal(ResourceTypes.CronJobs, cronJob, "SuccessfulDelete", $"Deleted job {job.Metadata.Name}");
            }
            catch (ApiException e) when (e.Status.Code == 404)
            {
                // Gone already.
            }
        }

        var status = plan.Status;
        if (plan.Start is { } scheduled)
        {
            var job = CronJobPlanner.JobFor(cronJob, scheduled, ControllerRefs.For(ResourceTypes.CronJobs, cronJob));
            try
            {
                var created = await _objects.CreateAsync(ResourceTypes.Jobs, job, ct).ConfigureAwait(false);
                _events.Normal(ResourceTypes.CronJobs, cronJob, "SuccessfulCreate", $"Created job {created.Metadata.Name}");
                status = status with
                {
                    Active = [.. status.Active ?? [], new ObjectReference
                    {
                        ApiVersion = ResourceTypes.Jobs.ApiVersion,
                        Kind = ResourceTypes.Jobs.Kind,
                        Namespace = created.Metadata.Namespace,
                        Name = created.Metadata.Name,
                        Uid = created.Metadata.Uid,
                    }],
                };
            }
            catch (ApiException e) when (e.Status.Code == 409)
            {
                // Created by an earlier sync whose status write did not land: the time is taken care of.
            }
            catch (ApiException e)
            {
                _events.Warning(ResourceTypes.CronJobs, cronJob, "FailedCreate", $"Error creating job: {e.Message}");
                throw;
            }
        }

        await WriteStatusAsync(_objects, cronJob, status, ct).ConfigureAwait(false);
        if (plan.RequeueAt is { } next)
        {
            LogNextRun(_logger, key, next);
            Queue.AddAfter(key, next > now ? next - now + TimeSpan.FromMilliseconds(50) : TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>
    /// Writes <paramref name="status"/>, computed from <paramref name="cached"/>, on that very CronJob only: it carries the
    /// old status's times and active Jobs, so after a 409 it is not written over a newer CronJob (which may hold a later
    /// lastScheduleTime or a Job this sync did not see); that CronJob's event brings a sync that computes it again.
    /// </summary>
    internal static Task<CronJob?> WriteStatusAsync(ObjectService objects, CronJob cached, CronJobStatus status, CancellationToken ct) =>
        StatusWriter.WriteOnCachedAsync(objects, ResourceTypes.CronJobs, cached,
            current => CronJobPlanner.StatusEquals(current.Status, status) ? null : current with { Status = status }, ct);
}
