namespace Drover.Agent.Pods;

/// <summary>
/// The kubelet's crash-loop back-off (client-go flowcontrol.Backoff as kuberuntime uses it): the first
/// restart is immediate; each further restart waits the current back-off counted from when the container
/// finished, doubling up to the maximum; a key quiet for twice the maximum starts over. Pure; not
/// thread-safe (one per pod worker).
/// </summary>
public sealed class RestartBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly Dictionary<string, (TimeSpan Backoff, DateTimeOffset LastUpdate)> _entries = new(StringComparer.Ordinal);

    public RestartBackoff(TimeSpan initial, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        _initial = initial;
        _max = max;
    }

    /// <summary>
    /// When the key may act again after an event at <paramref name="eventTime"/> (a container's finish, a
    /// failed pull), or null when it may act now.
    /// </summary>
    public DateTimeOffset? BackoffUntil(string key, DateTimeOffset eventTime, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(key, out var entry) || Expired(entry, now))
        {
            return null;
        }

        var until = eventTime + entry.Backoff;
        return now < until ? until : null;
    }

    /// <summary>Records an attempt (a restart, a pull) at <paramref name="now"/>: the next one waits longer.</summary>
    public void Next(string key, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(key, out var entry) || Expired(entry, now))
        {
            _entries[key] = (_initial, now);
            return;
        }

        var doubled = entry.Backoff * 2;
        _entries[key] = (doubled > _max ? _max : doubled, now);
    }

    /// <summary>The current back-off of the key (zero when it has none).</summary>
    public TimeSpan Current(string key) => _entries.TryGetValue(key, out var entry) ? entry.Backoff : TimeSpan.Zero;

    public void Reset(string key) => _entries.Remove(key);

    private bool Expired((TimeSpan Backoff, DateTimeOffset LastUpdate) entry, DateTimeOffset now) => now - entry.LastUpdate > 2 * _max;
}
