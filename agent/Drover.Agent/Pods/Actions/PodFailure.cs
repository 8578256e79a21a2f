namespace Drover.Agent.Pods.Actions;

/// <summary>status.reason and status.message of a pod that failed for a reason of the node's.</summary>
internal sealed record PodFailure(string Reason, string Message);
