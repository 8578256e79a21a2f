namespace Drover.Api;

/// <summary>The labels Kubernetes puts on a Job's pods (and selects them by), with the legacy spellings it still sets.</summary>
public static class JobLabels
{
    public const string ControllerUid = "batch.kubernetes.io/controller-uid";
    public const string LegacyControllerUid = "controller-uid";
    public const string JobName = "batch.kubernetes.io/job-name";
    public const string LegacyJobName = "job-name";
    /// <summary>An Indexed Job pod's completion index, as an annotation and a label (Kubernetes 1.28+).</summary>
    public const string CompletionIndex = "batch.kubernetes.io/job-completion-index";
    /// <summary>The finalizer that keeps a Job's finished pod until the Job controller has counted it.</summary>
    public const string TrackingFinalizer = "batch.kubernetes.io/job-tracking";
    /// <summary>The environment variable an Indexed Job's containers read their index from.</summary>
    public const string CompletionIndexEnv = "JOB_COMPLETION_INDEX";
}
