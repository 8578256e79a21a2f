namespace Drover.Api;

/// <summary>The restart policies a workload's pods may have: kept running (Deployments, DaemonSets) or run to completion (Jobs).</summary>
internal static class RestartPolicies
{
    /// <summary>Pods kept running: one that may exit for good would be replaced forever.</summary>
    public static readonly string[] KeepRunning = ["Always"];

    /// <summary>Pods run to completion: Always would never let one finish.</summary>
    public static readonly string[] RunToCompletion = ["OnFailure", "Never"];
}
