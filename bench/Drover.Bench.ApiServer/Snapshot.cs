using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Drover.Bench.ApiServer;

/// <summary>
/// CPU time of droverd and of this driver, plus droverd's /metrics, at one instant; two of them describe a measured
/// window: how many cores each side used (on a 2-core machine the load generator competes with the server), and how
/// much of the server-side request time the store (queue + group commit + fsync) took.
/// </summary>
internal sealed record Snapshot(long Timestamp, double ServerCpu, double DriverCpu, Dictionary<string, double> Metrics)
{
    public static async Task<Snapshot> TakeAsync(DroverdInstance server)
    {
        var text = Encoding.UTF8.GetString(await server.Client.GetRawAsync("/metrics").ConfigureAwait(false));
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                metrics[line[..space]] = value;
        }
        return new Snapshot(Stopwatch.GetTimestamp(), server.CpuSeconds(), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, metrics);
    }

    public double Delta(Snapshot later, string series) =>
        later.Metrics.GetValueOrDefault(series) - Metrics.GetValueOrDefault(series);
}

internal sealed record Window(double Seconds, double ServerCores, double DriverCores, double RequestMeanMs, double StoreCreateMeanMs, double StoreCreateOver10msShare, double Creates)
{
    private const string Request = "drover_apiserver_request_duration_seconds";
    private const string Store = "drover_store_operation_duration_seconds";

    public static Window Between(Snapshot before, Snapshot after)
    {
        var seconds = Latency.Ms(after.Timestamp - before.Timestamp) / 1000.0;
        var requests = before.Delta(after, Request + "_count{verb=\"create\",resource=\"pods\"}");
        var requestSum = before.Delta(after, Request + "_sum{verb=\"create\",resource=\"pods\"}");
        var creates = before.Delta(after, Store + "_count{operation=\"create\"}");
        var createSum = before.Delta(after, Store + "_sum{operation=\"create\"}");
        var within10 = before.Delta(after, Store + "_bucket{operation=\"create\",le=\"0.01\"}");
        return new Window(
            seconds,
            (after.ServerCpu - before.ServerCpu) / seconds,
            (after.DriverCpu - before.DriverCpu) / seconds,
            requests > 0 ? requestSum / requests * 1000 : double.NaN,
            creates > 0 ? createSum / creates * 1000 : double.NaN,
            creates > 0 ? 1 - within10 / creates : double.NaN,
            creates);
    }

    public string Cores(double c) => c.ToString("0.00", CultureInfo.InvariantCulture);
}

/// <summary>What one fsync costs on the disk holding the temp dirs: 4 KiB append + fsync, as a floor for a commit.</summary>
internal static class FsyncProbe
{
    public static Latency Run(int count)
    {
        var path = Path.Combine(Path.GetTempPath(), "drover-bench-fsync-" + Guid.NewGuid().ToString("N")[..8]);
        var block = new byte[4096];
        var samples = new long[count];
        try
        {
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None);
            for (var i = 0; i < count; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                file.Write(block);
                file.Flush(flushToDisk: true);
                samples[i] = Stopwatch.GetTimestamp() - t0;
            }
        }
        finally
        {
            File.Delete(path);
        }
        return Latency.Of(samples);
    }
}
