using System.Globalization;
using Drover.Api;

namespace Drover.Api.Printing;

/// <summary>kubectl's printJob and printCronJob columns.</summary>
public static class BatchColumns
{
    public static IReadOnlyList<Column> Jobs { get; } =
    [
        Column.Name,
        Column.Of<Job>("STATUS", JobStatusText),
        Column.Of<Job>("COMPLETIONS", Completions),
        Column.Of<Job>("DURATION", Duration),
        Column.Age,
        Column.Of<Job>("CONTAINERS", j => WorkloadColumns.Containers(j.Spec.Template), wideOnly: true),
        Column.Of<Job>("IMAGES", j => WorkloadColumns.Images(j.Spec.Template), wideOnly: true),
        Column.Of<Job>("SELECTOR", j => Cells.Selector(j.Spec.Selector), wideOnly: true),
    ];

    public static IReadOnlyList<Column> CronJobs { get; } =
    [
        Column.Name,
        Column.Of<CronJob>("SCHEDULE", c => c.Spec.Schedule),
        Column.Of<CronJob>("TIMEZONE", c => Cells.OrNone(c.Spec.TimeZone)),
        Column.Of<CronJob>("SUSPEND", c => c.Spec.Suspend == true ? "True" : "False"),
        Column.Of<CronJob>("ACTIVE", c => Cells.Int(c.Status?.Active?.Count)),
        Column.Of<CronJob>("LAST SCHEDULE", (c, now) => c.Status?.LastScheduleTime is { } last ? HumanDuration.Since(last, now) : Cells.None),
        Column.Age,
        Column.Of<CronJob>("CONTAINERS", c => WorkloadColumns.Containers(c.Spec.JobTemplate.Spec.Template), wideOnly: true),
        Column.Of<CronJob>("IMAGES", c => WorkloadColumns.Images(c.Spec.JobTemplate.Spec.Template), wideOnly: true),
        Column.Of<CronJob>("SELECTOR", c => Cells.Selector(c.Spec.JobTemplate.Spec.Selector), wideOnly: true),
    ];

    /// <summary>The STATUS column: the finished condition first, then Terminating, Suspended, else Running.</summary>
    public static string JobStatusText(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (HasCondition(job, "Complete"))
            return "Complete";
        if (HasCondition(job, "Failed"))
            return "Failed";
        if (job.Metadata.DeletionTimestamp is not null)
            return "Terminating";
        if (HasCondition(job, "Suspended"))
            return "Suspended";
        if (HasCondition(job, "FailureTarget"))
            return "FailureTarget";
        if (HasCondition(job, "SuccessCriteriaMet"))
            return "SuccessCriteriaMet";
        return "Running";
    }

    private static string Completions(Job job)
    {
        var succeeded = Cells.Int(job.Status?.Succeeded);
        if (job.Spec.Completions is { } completions)
            return $"{succeeded}/{completions.ToString(CultureInfo.InvariantCulture)}";
        if (job.Spec.Parallelism is > 1 and var parallelism)
            return $"{succeeded}/1 of {parallelism.ToString(CultureInfo.InvariantCulture)}";
        return $"{succeeded}/1";
    }

    private static string Duration(Job job, DateTimeOffset now) => job.Status switch
    {
        { StartTime: null } or null => "",
        { CompletionTime: { } done, StartTime: { } start } => HumanDuration.Format(done - start),
        { StartTime: { } start } => HumanDuration.Format(now - start),
    };

    private static bool HasCondition(Job job, string type) =>
        job.Status?.Conditions?.Any(c => c.Type == type && c.Status == "True") == true;
}
