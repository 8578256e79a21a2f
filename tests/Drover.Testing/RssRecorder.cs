namespace Drover.Testing;

/// <summary>
/// Samples the VmRSS of each daemon every <c>interval</c> (200 ms by default) in the background, keeps the highest
/// value since the last <see cref="ResetPeaks"/> and every sample (for first-minute/last-minute comparisons). The
/// daemons' process ids are read on every sample, so a restarted daemon is followed. For the memory and soak benchmarks.
/// </summary>
public sealed class RssRecorder : IAsyncDisposable
{
    private readonly IReadOnlyList<(string Name, Func<int?> Pid)> _daemons;
    private readonly Dictionary<string, long> _peaks = new(StringComparer.Ordinal);
    private readonly List<(TimeSpan At, string Name, long Rss)> _samples = [];
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="daemons">Each daemon's name and its current process id (null while it is not running).</param>
    public RssRecorder(IReadOnlyList<(string Name, Func<int?> Pid)> daemons, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(daemons);
        _daemons = daemons;
        _interval = interval ?? TimeSpan.FromMilliseconds(200);
        _loop = LoopAsync();
    }

    /// <summary>Since the recorder started: the time line <see cref="Samples"/> are on.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Every sample so far of a running daemon (a daemon that was down at a sample has none there).</summary>
    public IReadOnlyList<(TimeSpan At, string Name, long Rss)> Samples
    {
        get
        {
            lock (_samples)
                return [.. _samples];
        }
    }

    public IEnumerable<string> Names => _daemons.Select(d => d.Name);

    /// <summary>VmRSS of every daemon now, in bytes (0 for one that is not running).</summary>
    public Dictionary<string, long> Now()
    {
        var now = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, pid) in _daemons)
            now[name] = Rss(pid);
        return now;
    }

    public void ResetPeaks()
    {
        lock (_peaks)
            _peaks.Clear();
    }

    public Dictionary<string, long> Peaks()
    {
        Sample();
        lock (_peaks)
            return new Dictionary<string, long>(_peaks, StringComparer.Ordinal);
    }

    private async Task LoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                Sample();
                await Task.Delay(_interval, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Sample()
    {
        var at = _clock.Elapsed;
        foreach (var (name, rss) in Now())
        {
            lock (_peaks)
                _peaks[name] = Math.Max(_peaks.GetValueOrDefault(name), rss);
            if (rss > 0)
            {
                lock (_samples)
                    _samples.Add((at, name, rss));
            }
        }
    }

    private static long Rss(Func<int?> pid)
    {
        try
        {
            return pid() is { } id ? ProcFs.Memory(id).VmRss : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return 0; // gone between the id and the read, or being replaced
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
