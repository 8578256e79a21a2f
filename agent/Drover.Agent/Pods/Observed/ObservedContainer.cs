using System.Globalization;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Pods.Observed;

/// <summary>
/// One container of a pod as CRI last reported it. ListContainers gives the identity, state and annotations;
/// ContainerStatus adds the exit code, times, reason and message (read for the newest two of each name in the
/// pod's current sandbox: the one that runs or ran last, and the one before it for lastState). Immutable.
/// </summary>
internal sealed record ObservedContainer
{
    public required string Id { get; init; }

    public required string SandboxId { get; init; }

    public required string Name { get; init; }

    public uint Attempt { get; init; }

    /// <summary>CRI's created_at in nanoseconds since the epoch: orders containers of the same attempt.</summary>
    public long CreatedAt { get; init; }

    public CriV1.ContainerState State { get; init; }

    /// <summary>The restart count the agent wrote on the container (its attempt when the annotation is missing).</summary>
    public int RestartCount { get; init; }

    /// <summary>The fingerprint of the spec the container was made from (<see cref="CriConfigFactory.Hash"/>), or null.</summary>
    public string? SpecHash { get; init; }

    public string ImageRef { get; init; } = "";

    public int ExitCode { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }

    /// <summary>Nanoseconds since the epoch; 0 when not known.</summary>
    public long StartedAt { get; init; }

    /// <summary>Nanoseconds since the epoch; 0 when not known (or still running).</summary>
    public long FinishedAt { get; init; }

    public bool IsRunning => State == CriV1.ContainerState.ContainerRunning;

    public bool IsExited => State == CriV1.ContainerState.ContainerExited;

    public static ObservedContainer From(CriV1.Container listed)
    {
        ArgumentNullException.ThrowIfNull(listed);
        return new ObservedContainer
        {
            Id = listed.Id,
            SandboxId = listed.PodSandboxId,
            Name = listed.Metadata?.Name ?? "",
            Attempt = listed.Metadata?.Attempt ?? 0,
            CreatedAt = listed.CreatedAt,
            State = listed.State,
            RestartCount = RestartCountOf(listed.Annotations, listed.Metadata?.Attempt ?? 0),
            SpecHash = listed.Annotations.TryGetValue(PodLabels.ContainerHashAnnotation, out var hash) ? hash : null,
            ImageRef = listed.ImageRef,
        };
    }

    /// <summary>The container with what ContainerStatus says (CRI's status carries no sandbox id: it is kept from the list).</summary>
    public static ObservedContainer From(CriV1.ContainerStatus status, string sandboxId)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(sandboxId);
        return new ObservedContainer
        {
            Id = status.Id,
            SandboxId = sandboxId,
            Name = status.Metadata?.Name ?? "",
            Attempt = status.Metadata?.Attempt ?? 0,
            CreatedAt = status.CreatedAt,
            State = status.State,
            RestartCount = RestartCountOf(status.Annotations, status.Metadata?.Attempt ?? 0),
            SpecHash = status.Annotations.TryGetValue(PodLabels.ContainerHashAnnotation, out var hash) ? hash : null,
            ImageRef = status.ImageRef,
            ExitCode = status.ExitCode,
            Reason = string.IsNullOrEmpty(status.Reason) ? null : status.Reason,
            Message = string.IsNullOrEmpty(status.Message) ? null : status.Message,
            StartedAt = status.StartedAt,
            FinishedAt = status.FinishedAt,
        };
    }

    private static int RestartCountOf(IDictionary<string, string> annotations, uint attempt) =>
        annotations.TryGetValue(PodLabels.RestartCountAnnotation, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : (int)attempt;
}
