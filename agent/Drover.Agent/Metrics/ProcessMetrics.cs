using System.Globalization;
using System.Text;

namespace Drover.Agent.Metrics;

/// <summary>
/// The process series prometheus-net exported (same names, so dashboards keep working), read from /proc at scrape
/// time instead of through System.Diagnostics.Process: CPU, memory, threads, open descriptors, start time, GC.
/// </summary>
internal static class ProcessMetrics
{
    /// <summary>USER_HZ: Linux's ABI fixes the clock-tick unit of /proc/PID/stat at 100 per second.</summary>
    private const double TicksPerSecond = 100;

    private static readonly Lazy<double> StartTime = new(ReadStartTime);

    public static void WriteTo(StringBuilder text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var status = ReadStatus();
        Write(text, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", "gauge", StartTime.Value);
        Write(text, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter", Environment.CpuUsage.TotalTime.TotalSeconds);
        Write(text, "process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge", status.GetValueOrDefault("VmSize") * 1024.0);
        Write(text, "process_working_set_bytes", "Process working set", "gauge", status.GetValueOrDefault("VmRSS") * 1024.0);
        Write(text, "process_private_memory_bytes", "Process private memory size", "gauge", status.GetValueOrDefault("VmData") * 1024.0);
        Write(text, "process_open_handles", "Number of open handles", "gauge", OpenDescriptors());
        Write(text, "process_num_threads", "Total number of threads", "gauge", status.GetValueOrDefault("Threads"));
        Write(text, "dotnet_total_memory_bytes", "Total known allocated memory", "gauge", GC.GetTotalMemory(forceFullCollection: false));
        PrometheusText.AppendHeader(text, "dotnet_collection_count_total", "GC collection count", "counter");
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            var label = "generation=\"" + generation.ToString(CultureInfo.InvariantCulture) + "\"";
            PrometheusText.AppendSample(text, "dotnet_collection_count_total", label, GC.CollectionCount(generation));
        }
    }

    private static void Write(StringBuilder text, string name, string help, string type, double value)
    {
        PrometheusText.AppendHeader(text, name, help, type);
        PrometheusText.AppendSample(text, name, "", value);
    }

    /// <summary>The numeric fields of /proc/self/status (kB for the Vm* ones).</summary>
    private static Dictionary<string, long> ReadStatus()
    {
        var fields = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                    continue;
                var value = line.AsSpan(colon + 1).Trim();
                var space = value.IndexOf(' ');
                if (long.TryParse(space < 0 ? value : value[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                    fields[line[..colon]] = number;
            }
        }
        catch (IOException)
        {
            // Not Linux, or /proc not mounted: the figures read 0.
        }

        return fields;
    }

    private static int OpenDescriptors()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Boot time (/proc/stat btime) plus the process's start in ticks after boot (field 22 of /proc/self/stat).</summary>
    private static double ReadStartTime()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var startTicks = double.Parse(fields[22 - 3], CultureInfo.InvariantCulture);
            var bootLine = File.ReadLines("/proc/stat").First(l => l.StartsWith("btime ", StringComparison.Ordinal));
            return double.Parse(bootLine.AsSpan(6), CultureInfo.InvariantCulture) + startTicks / TicksPerSecond;
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException or IndexOutOfRangeException)
        {
            return DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        }
    }
}
