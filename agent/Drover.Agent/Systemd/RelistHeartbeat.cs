using Drover.Agent.Pods;

namespace Drover.Agent.Systemd;

/// <summary>
/// The pod relist loop's heartbeat to systemd: each turn kicks the watchdog (that loop is the one that keeps the pods
/// running), and the STATUS= line follows the number of pods and whether containerd answers.
/// </summary>
internal sealed class RelistHeartbeat : IRelistListener
{
    private readonly SystemdWatchdog _watchdog;
    private readonly SystemdNotifier _notifier;
    private readonly string _nodeName;
    private readonly string _containerdSocket;
    private int _shownPods = -1;
    private bool _shownRuntimeUp = true;

    public RelistHeartbeat(SystemdWatchdog watchdog, SystemdNotifier notifier, string nodeName, string containerdSocket)
    {
        ArgumentNullException.ThrowIfNull(watchdog);
        ArgumentNullException.ThrowIfNull(notifier);
        ArgumentNullException.ThrowIfNull(nodeName);
        ArgumentNullException.ThrowIfNull(containerdSocket);
        _watchdog = watchdog;
        _notifier = notifier;
        _nodeName = nodeName;
        _containerdSocket = containerdSocket;
    }

    public void Relisted(int pods, bool runtimeAnswered)
    {
        _watchdog.Kick();
        if (pods != _shownPods || runtimeAnswered != _shownRuntimeUp)
        {
            _shownPods = pods;
            _shownRuntimeUp = runtimeAnswered;
            _notifier.Status(runtimeAnswered ? $"running {pods} pod(s) as node {_nodeName}" : $"{pods} pod(s); containerd is not answering at {_containerdSocket}");
        }
    }
}
