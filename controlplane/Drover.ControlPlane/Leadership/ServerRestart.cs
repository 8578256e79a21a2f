namespace Drover.ControlPlane.Leadership;

/// <summary>
/// How a deposed leader starts over. kube-controller-manager and k3s exit when they lose leadership, and their
/// supervisor starts them again; droverd also serves the API, so it stops its host and its Program builds a
/// fresh one in the same process: every controller, queue and cache of the lost term is gone, none is reused.
/// </summary>
public sealed class ServerRestart(IHostApplicationLifetime lifetime)
{
    private int _requested;

    public bool Requested => Volatile.Read(ref _requested) != 0;

    public void Request()
    {
        Interlocked.Exchange(ref _requested, 1);
        lifetime.StopApplication();
    }
}
