using System.Diagnostics;
using System.Globalization;
using System.Text;
using Drover.Testing;

namespace Drover.Bench.Agent;

/// <summary>CPU time a process used over a window of wall time, as a percentage of one core.</summary>
internal sealed record CpuWindow(double WallSeconds, long Ticks)
{
    public double CpuSeconds => Ticks / ProcFs.TicksPerSecond;
    public double PercentOfCore => 100 * CpuSeconds / WallSeconds;

    /// <summary>
    /// Watches <paramref name="pid"/> for <paramref name="window"/> without touching it (no API calls, no scrapes: only
    /// /proc reads), writing the cumulative ticks once a second to <paramref name="samplesPath"/>.
    /// </summary>
    public static async Task<CpuWindow> MeasureAsync(int pid, TimeSpan window, string samplesPath, CancellationToken ct)
    {
        var samples = new StringBuilder("# seconds_since_start cumulative_utime_plus_stime_ticks (USER_HZ 100)\n");
        var start = ProcFs.CpuTicks(pid);
        var clock = Stopwatch.StartNew();
        samples.AppendLine(CultureInfo.InvariantCulture, $"0.000 0");
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        long end = start;
        for (var second = 1; second <= (int)Math.Ceiling(window.TotalSeconds); second++)
        {
            await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
            end = ProcFs.CpuTicks(pid);
            samples.AppendLine(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:0.000} {end - start}");
        }
        var wall = clock.Elapsed.TotalSeconds;
        await File.WriteAllTextAsync(samplesPath, samples.ToString(), ct).ConfigureAwait(false);
        return new CpuWindow(wall, end - start);
    }
}
