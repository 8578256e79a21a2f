using Drover.Api;

namespace Drover.Agent.Pods.Actions;

/// <summary>A container to start: a new one of <see cref="Attempt"/>, or one created earlier and never started.</summary>
internal sealed class ContainerToStart
{
    public required Container Spec { get; init; }

    public required uint Attempt { get; init; }

    /// <summary>A container of this name ran before: starting it again counts against its crash-loop back-off.</summary>
    public bool IsRestart { get; init; }

    /// <summary>Set when a container was created but never started (the agent stopped in between): start that one.</summary>
    public string? CreatedId { get; init; }

    /// <summary>Dead containers of this name that go once the new one exists; the latest dead one stays as its lastState.</summary>
    public IReadOnlyList<string> ContainersToRemove { get; init; } = [];
}
