namespace Drover.Agent.Pods.Actions;

/// <summary>Why a pod is to stop that its spec does not say (a deletion is read from metadata.deletionTimestamp).</summary>
internal abstract record PodStop
{
    /// <summary>No longer bound to this node (deleted at once, or moved): torn down without a last status.</summary>
    public sealed record Gone : PodStop;

    /// <summary>The node shuts down by <paramref name="Deadline"/> (logind's inhibit delay).</summary>
    public sealed record Shutdown(DateTimeOffset Deadline) : PodStop;
}
