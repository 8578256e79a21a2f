namespace Drover.Api;

/// <summary>Kubernetes ValidateCronJob (batch/v1): the schedule parses, the time zone exists, the job template is a valid Job spec.</summary>
internal static class CronJobValidation
{
    /// <summary>A Job made from it is named NAME-&lt;minutes since the epoch&gt; (11 more characters) and must stay a valid label value.</summary>
    public const int MaxNameLength = 52;

    public static void Validate(CronJob cronJob, ErrorList errors)
    {
        MetadataValidation.Validate(cronJob.Metadata, namespaced: true, NameRules.Dns1123Subdomain, errors);
        if (cronJob.Metadata.Name is { Length: > MaxNameLength } name)
            errors.Invalid("metadata.name", name, $"must be no more than {MaxNameLength} characters");
        var spec = cronJob.Spec;
        if (spec is null)
        {
            errors.Required("spec");
            return;
        }
        if (string.IsNullOrEmpty(spec.Schedule))
            errors.Required("spec.schedule");
        else if (!CronSchedule.TryParse(spec.Schedule, out _, out var problem))
            errors.Invalid("spec.schedule", spec.Schedule.Length > CronSchedule.MaxLength ? spec.Schedule[..CronSchedule.MaxLength] + "…" : spec.Schedule, problem);
        if (spec.TimeZone is { } zone && !CronTimeZones.TryFind(zone, out _))
            errors.Invalid("spec.timeZone", zone.Length > CronTimeZones.MaxLength ? zone[..CronTimeZones.MaxLength] + "…" : zone, "unknown time zone");
        errors.NonNegative("spec.startingDeadlineSeconds", spec.StartingDeadlineSeconds);
        errors.NonNegative("spec.successfulJobsHistoryLimit", spec.SuccessfulJobsHistoryLimit);
        errors.NonNegative("spec.failedJobsHistoryLimit", spec.FailedJobsHistoryLimit);
        if (spec.ConcurrencyPolicy is { } policy && policy is not ("Allow" or "Forbid" or "Replace"))
            errors.NotSupported("spec.concurrencyPolicy", policy, "Allow", "Forbid", "Replace");
        var template = spec.JobTemplate ?? new JobTemplateSpec();
        MetadataValidation.ValidateLabels(template.Metadata?.Labels, "spec.jobTemplate.metadata.labels", errors);
        MetadataValidation.ValidateAnnotations(template.Metadata?.Annotations, "spec.jobTemplate.metadata.annotations", errors);
        JobValidation.ValidateSpec(template.Spec ?? new JobSpec(), "spec.jobTemplate.spec", errors, selectorRequired: false);
    }
}
