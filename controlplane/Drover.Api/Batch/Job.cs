namespace Drover.Api;

/// <summary>batch/v1 Job: pods run to completion (Kubernetes' k8s.io/api/batch/v1 types, the fields Drover acts on).</summary>
public sealed record Job : KubeObject
{
    public JobSpec Spec { get; init; } = new();
    public JobStatus? Status { get; init; }

    public override KubeObject WithStatusFrom(KubeObject? other) => this with { Status = (other as Job)?.Status };
}

public sealed record JobSpec
{
    public int? Parallelism { get; init; }
    public int? Completions { get; init; }
    public long? ActiveDeadlineSeconds { get; init; }
    public int? BackoffLimit { get; init; }
    public LabelSelector? Selector { get; init; }
    public bool? ManualSelector { get; init; }
    public PodTemplateSpec Template { get; init; } = new();
    public int? TtlSecondsAfterFinished { get; init; }
    /// <summary>NonIndexed (the default) or Indexed: each pod gets a completion index 0 … completions−1, and each index must succeed once.</summary>
    public string? CompletionMode { get; init; }
    public bool? Suspend { get; init; }
    /// <summary>TerminatingOrFailed (the default without a podFailurePolicy) or Failed.</summary>
    public string? PodReplacementPolicy { get; init; }
}

public sealed record JobStatus
{
    public List<JobCondition>? Conditions { get; init; }
    public DateTimeOffset? StartTime { get; init; }
    public DateTimeOffset? CompletionTime { get; init; }
    public int? Active { get; init; }
    public int? Succeeded { get; init; }
    public int? Failed { get; init; }
    public int? Terminating { get; init; }
    public int? Ready { get; init; }
    /// <summary>Indexed Jobs: the indexes that succeeded, as ranges in ascending order ("1,3-5,7").</summary>
    public string? CompletedIndexes { get; init; }
    /// <summary>Finished pods whose finalizer is being removed: counted in succeeded/failed once it is gone (tracking with finalizers).</summary>
    public UncountedTerminatedPods? UncountedTerminatedPods { get; init; }
}

/// <summary>UIDs of finished pods not yet in the counts (Kubernetes' job tracking with finalizers).</summary>
public sealed record UncountedTerminatedPods
{
    public List<string>? Succeeded { get; init; }
    public List<string>? Failed { get; init; }
}

public sealed record JobCondition
{
    public string Type { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTimeOffset? LastProbeTime { get; init; }
    public DateTimeOffset? LastTransitionTime { get; init; }
    public string? Reason { get; init; }
    public string? Message { get; init; }
}

/// <summary>A Job's template inside a CronJob.</summary>
public sealed record JobTemplateSpec
{
    public ObjectMeta? Metadata { get; init; }
    public JobSpec Spec { get; init; } = new();
}
