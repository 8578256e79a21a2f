namespace Drover.Bench.HollowNodes;

/// <summary>What the hollow nodes did, counted across the fleet; the first few errors are kept for the report.</summary>
internal sealed class FleetCounters
{
    private readonly List<string> _firstErrors = [];
    private long _podsReported;
    private long _conflicts;
    private long _leaseRenewals;
    private long _errors;

    public long PodsReported => Interlocked.Read(ref _podsReported);
    public long Conflicts => Interlocked.Read(ref _conflicts);
    public long LeaseRenewals => Interlocked.Read(ref _leaseRenewals);
    public long Errors => Interlocked.Read(ref _errors);

    public IReadOnlyList<string> FirstErrors
    {
        get
        {
            lock (_firstErrors)
                return [.. _firstErrors];
        }
    }

    public void PodReported() => Interlocked.Increment(ref _podsReported);
    public void Conflict() => Interlocked.Increment(ref _conflicts);
    public void LeaseRenewed() => Interlocked.Increment(ref _leaseRenewals);

    public void Error(string node, Exception e)
    {
        Interlocked.Increment(ref _errors);
        lock (_firstErrors)
        {
            if (_firstErrors.Count < 5)
                _firstErrors.Add($"{node}: {e.GetType().Name}: {e.Message}");
        }
    }
}
