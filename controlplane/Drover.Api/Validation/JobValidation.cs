namespace Drover.Api;

/// <summary>Kubernetes ValidateJob, ValidateJobSpec and ValidateJobUpdate (batch/v1), for the fields Drover serves.</summary>
internal static class JobValidation
{
    /// <summary>Kubernetes' maxParallelismForIndexedJob and completions limit for Indexed Jobs.</summary>
    public const int MaxIndexedCompletions = 100_000;

    public static void Validate(Job job, ErrorList errors)
    {
        MetadataValidation.Validate(job.Metadata, namespaced: true, NameRules.Dns1123Subdomain, errors);
        if (job.Spec is null)
        {
            errors.Required("spec");
            return;
        }
        if (job.Spec.ManualSelector != true)
            ValidateGeneratedSelector(job, errors);
        // Without manualSelector the server generates the selector before validating; a manifest checked before it is
        // sent (drover apply) has none yet, and that is fine.
        ValidateSpec(job.Spec, "spec", errors, selectorRequired: job.Spec.ManualSelector == true);
    }

    /// <summary>The spec of a Job, or of a CronJob's jobTemplate (<paramref name="path"/> spec.jobTemplate.spec, no selector yet).</summary>
    public static void ValidateSpec(JobSpec spec, string path, ErrorList errors, bool selectorRequired = true)
    {
        errors.NonNegative(path + ".parallelism", spec.Parallelism);
        errors.NonNegative(path + ".completions", spec.Completions);
        errors.NonNegative(path + ".activeDeadlineSeconds", spec.ActiveDeadlineSeconds);
        errors.NonNegative(path + ".backoffLimit", spec.BackoffLimit);
        errors.NonNegative(path + ".ttlSecondsAfterFinished", spec.TtlSecondsAfterFinished);
        if (spec.CompletionMode is { } mode && mode is not ("NonIndexed" or "Indexed"))
            errors.NotSupported(path + ".completionMode", mode, "Indexed", "NonIndexed");
        if (spec.CompletionMode == "Indexed")
        {
            // Kubernetes' limits: every index is tracked in the status, so the number of indexes is bounded.
            if (spec.Completions is null)
                errors.Required(path + ".completions", "when completion mode is Indexed");
            else if (spec.Completions > MaxIndexedCompletions)
                errors.Invalid(path + ".completions", spec.Completions.Value, $"must be less than or equal to {MaxIndexedCompletions} when completion mode is Indexed");
            if (spec.Parallelism > MaxIndexedCompletions)
                errors.Invalid(path + ".parallelism", spec.Parallelism.Value, $"must be less than or equal to {MaxIndexedCompletions} when completion mode is Indexed");
        }
        if (spec.PodReplacementPolicy is { } replacement && replacement is not ("TerminatingOrFailed" or "Failed"))
            errors.NotSupported(path + ".podReplacementPolicy", replacement, "Failed", "TerminatingOrFailed");
        WorkloadValidation.ValidateSelectorAndTemplate(spec.Selector, spec.Template, "Job", errors, path, RestartPolicies.RunToCompletion, selectorRequired);
    }

    /// <summary>A selector the server generated must still select this Job's uid, and the template carry it (validateGeneratedSelector).</summary>
    private static void ValidateGeneratedSelector(Job job, ErrorList errors)
    {
        if (job.Spec.Selector is null)
            return;
        var uid = job.Metadata.Uid ?? "";
        var labels = job.Spec.Template?.Metadata?.Labels;
        if (labels?.GetValueOrDefault(JobLabels.ControllerUid) is { } labelUid && labelUid != uid)
            errors.Invalid($"spec.template.metadata.labels[{JobLabels.ControllerUid}]", labelUid, $"must be '{uid}'");
        if (labels?.GetValueOrDefault(JobLabels.JobName) is { } jobName && jobName != job.Metadata.Name)
            errors.Invalid($"spec.template.metadata.labels[{JobLabels.JobName}]", jobName, $"must be '{job.Metadata.Name}'");
        var selected = job.Spec.Selector.MatchLabels?.GetValueOrDefault(JobLabels.ControllerUid);
        if (selected != uid)
            errors.Invalid($"spec.selector.matchLabels[{JobLabels.ControllerUid}]", selected, $"must be '{uid}'; set spec.manualSelector: true to choose a selector of your own");
    }

    public static void ValidateUpdate(Job updated, Job existing, ErrorList errors)
    {
        WorkloadValidation.ValidateSelectorUpdate(updated.Spec?.Selector, existing.Spec?.Selector, errors);
        // What pods a Job has made (and will make) follows from these: changing them would make the counts meaningless.
        if (updated.Spec?.Completions != existing.Spec?.Completions)
            errors.Invalid("spec.completions", updated.Spec?.Completions ?? 0, "field is immutable");
        MetadataValidation.Immutable(updated.Spec?.CompletionMode, existing.Spec?.CompletionMode, "spec.completionMode", errors);
        if (!StructuralEquality.Equal(updated.Spec?.Template, existing.Spec?.Template, ApiJsonContext.Default.PodTemplateSpec))
            errors.InvalidRendered("spec.template", "core.PodTemplateSpec{...}", "field is immutable");
    }
}
