namespace Drover.Api;

/// <summary>The labels Kubernetes puts on a Job's pods (and selects them by), with the legacy spellings it still sets.</summary>
public static class JobLabels
{
    public const string ControllerUid = "batch.kubernetes.io/controller-uid";
    public const string LegacyControllerUid = "controller-uid";
    public const string JobName = "batch.kubernetes.io/job-name";
    public const string LegacyJobName = "job-name";
}
