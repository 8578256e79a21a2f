namespace Drover.Agent.Probes;

/// <summary>
/// successThreshold/failureThreshold counting as the kubelet's prober worker does it: the settled result
/// flips only after that many consecutive observations of the other outcome. Pure; not thread-safe.
/// </summary>
public sealed class ProbeState
{
    private readonly int _successThreshold;
    private readonly int _failureThreshold;
    private ProbeResult _lastObserved;
    private int _run;

    public ProbeState(int successThreshold, int failureThreshold, ProbeResult initial)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(successThreshold, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(failureThreshold, 1);
        _successThreshold = successThreshold;
        _failureThreshold = failureThreshold;
        Result = initial;
    }

    /// <summary>The settled result (what gates readiness or triggers a restart).</summary>
    public ProbeResult Result { get; private set; }

    /// <summary>Consecutive observations equal to the last one.</summary>
    public int ConsecutiveCount => _run;

    /// <summary>Counts one observation; true when the settled result changed.</summary>
    public bool Record(ProbeResult observed)
    {
        if (observed == ProbeResult.Unknown)
        {
            return false;
        }

        if (observed == _lastObserved)
        {
            _run = _run == int.MaxValue ? _run : _run + 1;
        }
        else
        {
            _lastObserved = observed;
            _run = 1;
        }

        var threshold = observed == ProbeResult.Success ? _successThreshold : _failureThreshold;
        if (_run < threshold || Result == observed)
        {
            return false;
        }

        Result = observed;
        return true;
    }
}
