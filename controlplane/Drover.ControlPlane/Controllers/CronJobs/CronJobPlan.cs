using Drover.Api;

namespace Drover.ControlPlane.Controllers.CronJobs;

/// <summary>One sync's decision for a CronJob: a Job to start for a scheduled time, Jobs to delete, the status, events, and when to look again.</summary>
public sealed record CronJobPlan
{
    /// <summary>The scheduled time to start a Job for now; null when nothing is due (or it may not start).</summary>
    public DateTimeOffset? Start { get; init; }
    public List<Job> Delete { get; init; } = [];
    public CronJobStatus Status { get; init; } = new();
    public DateTimeOffset? RequeueAt { get; init; }
    /// <summary>(type, reason, message) events to record, in order.</summary>
    public List<(string Type, string Reason, string Message)> Events { get; init; } = [];
}
