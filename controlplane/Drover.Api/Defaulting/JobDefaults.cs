namespace Drover.Api;

/// <summary>Kubernetes SetDefaults_Job and SetDefaults_CronJob (batch/v1).</summary>
internal static class JobDefaults
{
    /// <summary>Pod failures a Job tolerates before it is Failed (BackoffLimitExceeded).</summary>
    public const int DefaultBackoffLimit = 6;
    public const int DefaultSuccessfulJobsHistoryLimit = 3;
    public const int DefaultFailedJobsHistoryLimit = 1;

    public static Job Apply(Job job)
    {
        if (job.Spec is null)
            return job;
        var labels = job.Metadata.Labels;
        // A Job without labels of its own is labelled as its pods are, so `-l` finds both.
        if (labels is not { Count: > 0 } && job.Spec.Template?.Metadata?.Labels is { Count: > 0 } templateLabels)
            labels = new Dictionary<string, string>(templateLabels);
        return job with
        {
            Metadata = job.Metadata with { Labels = labels },
            Spec = ApplyToSpec(job.Spec),
        };
    }

    public static JobSpec ApplyToSpec(JobSpec spec)
    {
        // Neither set: one pod, once. Only parallelism set: a work queue (any success completes the Job).
        var completions = spec.Completions ?? (spec.Parallelism is null ? 1 : null);
        return spec with
        {
            Completions = completions,
            Parallelism = spec.Parallelism ?? 1,
            BackoffLimit = spec.BackoffLimit ?? DefaultBackoffLimit,
            CompletionMode = spec.CompletionMode ?? "NonIndexed",
            Suspend = spec.Suspend ?? false,
            PodReplacementPolicy = spec.PodReplacementPolicy ?? "TerminatingOrFailed",
            Template = PodDefaults.ApplyToTemplate(spec.Template)!,
        };
    }

    /// <summary>SetDefaults_CronJob; the job template's pod template gets the pod defaults, its Job fields stay as written (the Job made from it is defaulted when created).</summary>
    public static CronJob Apply(CronJob cronJob)
    {
        var spec = cronJob.Spec;
        if (spec is null)
            return cronJob;
        var template = spec.JobTemplate ?? new JobTemplateSpec();
        return cronJob with
        {
            Spec = spec with
            {
                ConcurrencyPolicy = spec.ConcurrencyPolicy ?? "Allow",
                Suspend = spec.Suspend ?? false,
                SuccessfulJobsHistoryLimit = spec.SuccessfulJobsHistoryLimit ?? DefaultSuccessfulJobsHistoryLimit,
                FailedJobsHistoryLimit = spec.FailedJobsHistoryLimit ?? DefaultFailedJobsHistoryLimit,
                JobTemplate = template with
                {
                    Spec = template.Spec is null ? new JobSpec() : template.Spec with { Template = PodDefaults.ApplyToTemplate(template.Spec.Template)! },
                },
            },
        };
    }
}
