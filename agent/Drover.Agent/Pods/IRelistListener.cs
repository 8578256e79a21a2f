namespace Drover.Agent.Pods;

/// <summary>
/// Told about every turn of the pod manager's CRI relist, the loop that keeps the node's pods running (systemd's
/// watchdog is fed from it). Called from that loop; must not block.
/// </summary>
internal interface IRelistListener
{
    /// <param name="pods">The pods the manager has a worker for.</param>
    /// <param name="runtimeAnswered">Whether CRI answered this turn's list.</param>
    void Relisted(int pods, bool runtimeAnswered);
}
