namespace Drover.Agent.Pods;

/// <summary>
/// Whether droverd answered the pod manager's last list or watch. While it does not, workers skip their
/// status writes instead of each waiting out a request timeout (a dead uplink drops packets: 30 s per try),
/// which would hold up their syncs; the next successful list wakes every worker to write.
/// </summary>
internal sealed class ApiReachability
{
    private volatile bool _reachable = true;

    public bool IsReachable => _reachable;

    public void Set(bool reachable) => _reachable = reachable;
}
