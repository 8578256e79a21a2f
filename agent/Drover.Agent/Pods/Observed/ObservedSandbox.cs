using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Pods.Observed;

/// <summary>
/// One sandbox of a pod as CRI last reported it. The address and the network namespace mode come from
/// PodSandboxStatus and are read only for the pod's current sandbox (null otherwise, or when CRI did not say).
/// </summary>
internal sealed record ObservedSandbox
{
    public required string Id { get; init; }

    public uint Attempt { get; init; }

    public bool IsReady { get; init; }

    /// <summary>CRI's created_at in nanoseconds since the epoch.</summary>
    public long CreatedAt { get; init; }

    public string? Ip { get; init; }

    public CriV1.NamespaceMode? NetworkMode { get; init; }

    public static ObservedSandbox From(CriV1.PodSandbox listed)
    {
        ArgumentNullException.ThrowIfNull(listed);
        return new ObservedSandbox
        {
            Id = listed.Id,
            Attempt = listed.Metadata?.Attempt ?? 0,
            IsReady = listed.State == CriV1.PodSandboxState.SandboxReady,
            CreatedAt = listed.CreatedAt,
        };
    }
}
