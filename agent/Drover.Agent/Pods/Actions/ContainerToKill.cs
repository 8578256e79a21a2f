namespace Drover.Agent.Pods.Actions;

/// <summary>A running container to stop, and why (the Killing event's message).</summary>
internal sealed record ContainerToKill(string ContainerId, string Name, string Reason);
