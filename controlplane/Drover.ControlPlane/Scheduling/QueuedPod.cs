using Drover.Api;

namespace Drover.ControlPlane.Scheduling;

/// <summary>One pending pod and its scheduling history. Reference identity: a re-created pod is a new entry.</summary>
internal sealed class QueuedPod(string key, Pod pod)
{
    public string Key { get; } = key;

    public string? Uid { get; } = pod.Metadata.Uid;

    /// <summary>The latest version the informer delivered.</summary>
    public Pod Pod { get; set; } = pod;

    public QueuedState State { get; set; }

    public DateTimeOffset QueuedAt { get; init; }

    public int Attempts { get; set; }

    public DateTimeOffset LastAttempt { get; set; }

    public DateTimeOffset ParkedAt { get; set; }

    /// <summary>Some node turned the pod down for lack of cpu, memory or pod slots at its last attempt.</summary>
    public bool WaitsForResources { get; set; }

    public DateTimeOffset BackoffUntil => Attempts == 0 ? DateTimeOffset.MinValue : LastAttempt + SchedulingQueue.Backoff(Attempts);

    public override string ToString() => Key;
}
