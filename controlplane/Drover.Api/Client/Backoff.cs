namespace Drover.Api.Client;

/// <summary>
/// The one retry delay of every loop that waits after a failure (client-go's wait.Backoff): it starts at
/// <see cref="Initial"/>, grows by <see cref="Factor"/> up to <see cref="Max"/>, and each delay handed out is shortened
/// by a random part of up to <see cref="Jitter"/> of it, so a thousand agents that lost droverd at the same moment
/// do not all come back in the same millisecond. Not thread-safe: one per loop.
/// </summary>
public sealed class Backoff
{
    private readonly Random _random;
    private TimeSpan _current;

    /// <param name="random">Where the jitter comes from (seeded in tests); null: <see cref="Random.Shared"/>.</param>
    public Backoff(TimeSpan initial, TimeSpan max, double factor = 2, double jitter = 0.2, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1.0);
        if (jitter is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "jitter is a fraction in [0, 1)");
        Initial = initial;
        Max = max;
        Factor = factor;
        Jitter = jitter;
        _random = random ?? Random.Shared;
        _current = initial;
    }

    public TimeSpan Initial { get; }
    public TimeSpan Max { get; }
    public double Factor { get; }
    public double Jitter { get; }

    /// <summary>The delay the next <see cref="Next"/> starts from, before jitter.</summary>
    public TimeSpan Current => _current;

    /// <summary>The delay to wait now (jittered, never above <see cref="Max"/>); the following one is longer.</summary>
    public TimeSpan Next()
    {
        var delay = _current;
        _current = TimeSpan.FromTicks((long)Math.Min(_current.Ticks * Factor, Max.Ticks));
        return Jitter == 0 ? delay : TimeSpan.FromTicks(delay.Ticks - (long)(delay.Ticks * Jitter * _random.NextDouble()));
    }

    /// <summary>Back to <see cref="Initial"/> (after a success).</summary>
    public void Reset() => _current = Initial;
}
