namespace Drover.Agent.Pods.Actions;

/// <summary>
/// What a pod worker remembers between syncs that CRI does not keep: the crash-loop back-offs, and the attempt the
/// next container of each name gets, so restart counts go on across sandboxes (the containers of a lost sandbox are
/// removed with it). Written only from what a sync did (<see cref="CarryOver"/>, <see cref="Restarted"/>, <see cref="Created"/>); one per pod
/// worker, used by its loop alone.
/// </summary>
internal sealed class PodHistory : IPodHistory
{
    private readonly RestartBackoff _restarts;
    private readonly Dictionary<string, uint> _nextAttempts = new(StringComparer.Ordinal);

    public PodHistory(TimeSpan backoffInitial, TimeSpan backoffMax) => _restarts = new RestartBackoff(backoffInitial, backoffMax);

    public DateTimeOffset? RestartBackoffUntil(string name, DateTimeOffset finishedAt, DateTimeOffset now) => _restarts.BackoffUntil(name, finishedAt, now);

    public TimeSpan RestartBackoff(string name) => _restarts.Current(name);

    public uint NextAttempt(string name) => _nextAttempts.GetValueOrDefault(name);

    /// <summary>A sandbox is being replaced: its containers' attempts go on in the new one (before they are removed).</summary>
    public void CarryOver(IReadOnlyDictionary<string, uint> nextAttempts)
    {
        ArgumentNullException.ThrowIfNull(nextAttempts);
        foreach (var (name, next) in nextAttempts)
        {
            if (!_nextAttempts.TryGetValue(name, out var known) || known < next)
            {
                _nextAttempts[name] = next;
            }
        }
    }

    /// <summary>A container restarted at <paramref name="now"/> (its image was there): the next restart waits longer.</summary>
    public void Restarted(string name, DateTimeOffset now) => _restarts.Next(name, now);

    /// <summary>A container of <paramref name="attempt"/> was created: the next new one of its name gets the attempt after.</summary>
    public void Created(string name, uint attempt) => _nextAttempts[name] = attempt + 1;
}
