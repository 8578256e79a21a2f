using Drover.Testing;

namespace Drover.Bench.Memory;

/// <summary>
/// Samples the VmRSS of each daemon every 200 ms in the background and keeps the highest value since the last
/// <see cref="ResetPeaks"/>. The daemons' process ids are read on every sample, so a restarted droverd is followed.
/// </summary>
internal sealed class RssRecorder : IAsyncDisposable
{
    private readonly IReadOnlyList<(string Name, Func<int?> Pid)> _daemons;
    private readonly Dictionary<string, long> _peaks = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RssRecorder(IReadOnlyList<(string Name, Func<int?> Pid)> daemons)
    {
        _daemons = daemons;
        _loop = LoopAsync();
    }

    public IEnumerable<string> Names => _daemons.Select(d => d.Name);

    /// <summary>VmRSS of every daemon now, in bytes (0 for one that is not running).</summary>
    public Dictionary<string, long> Now()
    {
        var now = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, pid) in _daemons)
            now[name] = Rss(pid());
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
                await Task.Delay(200, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Sample()
    {
        foreach (var (name, rss) in Now())
        {
            lock (_peaks)
                _peaks[name] = Math.Max(_peaks.GetValueOrDefault(name), rss);
        }
    }

    private static long Rss(int? pid)
    {
        if (pid is not { } id)
            return 0;
        try
        {
            return ProcFs.Memory(id).VmRss;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0; // gone between the id and the read
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
