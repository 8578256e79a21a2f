namespace Drover.Ingress.Config;

/// <summary>
/// Passive health of one address: a failed connect or a timeout takes it out of rotation for a while
/// (nginx's max_fails=1 fail_timeout=10s). It outlives snapshots, so a reload does not forgive a dead pod.
/// </summary>
public sealed class DestinationHealth
{
    private long _unhealthyUntil;

    public bool IsHealthy(long nowTimestamp) => Volatile.Read(ref _unhealthyUntil) <= nowTimestamp;

    public void MarkFailed(long untilTimestamp) => Volatile.Write(ref _unhealthyUntil, untilTimestamp);

    public void MarkHealthy() => Volatile.Write(ref _unhealthyUntil, 0);
}
