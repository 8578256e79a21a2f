namespace Drover.Agent.Pods.Actions;

/// <summary>A new sandbox of <see cref="Attempt"/>; <see cref="Replaces"/> says why an earlier one is not good enough (null for the first).</summary>
internal sealed record SandboxToCreate(uint Attempt, string? Replaces);
