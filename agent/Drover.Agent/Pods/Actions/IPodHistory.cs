namespace Drover.Agent.Pods.Actions;

/// <summary>What <see cref="PodPlanner"/> reads of a pod's past that CRI does not keep (see <see cref="PodHistory"/>).</summary>
internal interface IPodHistory
{
    /// <summary>
    /// Until when the container of this name must wait before it is started again, having finished at
    /// <paramref name="finishedAt"/>; null when it may start now (<see cref="RestartBackoff.BackoffUntil"/>).
    /// </summary>
    DateTimeOffset? RestartBackoffUntil(string name, DateTimeOffset finishedAt, DateTimeOffset now);

    /// <summary>The container's current crash-loop back-off (zero when it has none).</summary>
    TimeSpan RestartBackoff(string name);

    /// <summary>The attempt the next new container of this name gets when none of its containers is left to count from.</summary>
    uint NextAttempt(string name);
}
