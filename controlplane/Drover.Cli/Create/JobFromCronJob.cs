using Drover.Api;

namespace Drover.Cli.Create;

/// <summary>
/// kubectl create job NAME --from=cronjob/CRON: a Job from the CronJob's jobTemplate, now, owned by the CronJob (so its
/// history limits and `get cronjob`'s ACTIVE see it) and marked as started by hand, as kubectl marks it.
/// </summary>
internal static class JobFromCronJob
{
    public const string InstantiateAnnotation = "cronjob.kubernetes.io/instantiate";

    public static Job Build(CronJob cronJob, string name)
    {
        ArgumentNullException.ThrowIfNull(cronJob);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var template = cronJob.Spec.JobTemplate ?? new JobTemplateSpec();
        var annotations = new Dictionary<string, string>(template.Metadata?.Annotations ?? [], StringComparer.Ordinal) { [InstantiateAnnotation] = "manual" };
        return new Job
        {
            ApiVersion = ResourceTypes.Jobs.ApiVersion,
            Kind = ResourceTypes.Jobs.Kind,
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = cronJob.Metadata.Namespace,
                Labels = template.Metadata?.Labels is { } labels ? new Dictionary<string, string>(labels) : null,
                Annotations = annotations,
                OwnerReferences =
                [
                    new OwnerReference
                    {
                        ApiVersion = ResourceTypes.CronJobs.ApiVersion,
                        Kind = ResourceTypes.CronJobs.Kind,
                        Name = cronJob.Metadata.Name ?? "",
                        Uid = cronJob.Metadata.Uid ?? "",
                        Controller = true,
                    },
                ],
            },
            Spec = template.Spec ?? new JobSpec(),
        };
    }
}
