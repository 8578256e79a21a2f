namespace Drover.Api;

/// <summary>batch/v1 CronJob: Jobs made from a template on a cron schedule.</summary>
public sealed record CronJob : KubeObject
{
    public CronJobSpec Spec { get; init; } = new();
    public CronJobStatus? Status { get; init; }

    public override KubeObject WithStatusFrom(KubeObject? other) => this with { Status = (other as CronJob)?.Status };
}

public sealed record CronJobSpec
{
    public string Schedule { get; init; } = "";
    public string? TimeZone { get; init; }
    public long? StartingDeadlineSeconds { get; init; }
    /// <summary>Allow, Forbid or Replace.</summary>
    public string? ConcurrencyPolicy { get; init; }
    public bool? Suspend { get; init; }
    public JobTemplateSpec JobTemplate { get; init; } = new();
    public int? SuccessfulJobsHistoryLimit { get; init; }
    public int? FailedJobsHistoryLimit { get; init; }
}

public sealed record CronJobStatus
{
    public List<ObjectReference>? Active { get; init; }
    public DateTimeOffset? LastScheduleTime { get; init; }
    public DateTimeOffset? LastSuccessfulTime { get; init; }
}
