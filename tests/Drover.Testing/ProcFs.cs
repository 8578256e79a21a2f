using System.Globalization;

namespace Drover.Testing;

/// <summary>One reading of a process's memory, in bytes, from /proc/PID/status and /proc/PID/smaps_rollup.</summary>
/// <param name="Pss">Proportional set size: shared pages (the AOT image, libc) split among the processes mapping them,
/// so it is what this process adds to the machine; VmRSS counts the shared pages whole.</param>
public sealed record MemorySample(long VmRss, long VmHwm, long RssAnon, long RssFile, long Pss, int Threads);

/// <summary>Reads what the kernel knows about a process: memory and CPU time. Reading /proc costs the process nothing.</summary>
public static class ProcFs
{
    /// <summary>
    /// USER_HZ: the unit of utime/stime in /proc/PID/stat. Fixed at 100 by the Linux ABI on x86 and arm, whatever the
    /// kernel's own tick rate.
    /// </summary>
    public const double TicksPerSecond = 100;

    public static MemorySample Memory(int pid)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pid);
        long rss = 0, hwm = 0, anon = 0, file = 0;
        var threads = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line);
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = Kb(line);
            else if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anon = Kb(line);
            else if (line.StartsWith("RssFile:", StringComparison.Ordinal)) file = Kb(line);
            else if (line.StartsWith("Threads:", StringComparison.Ordinal)) threads = (int)Field(line);
        }
        long pss = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
        {
            if (line.StartsWith("Pss:", StringComparison.Ordinal))
                pss = Kb(line);
        }
        return new MemorySample(rss, hwm, anon, file, pss, threads);
    }

    /// <summary>utime + stime of the process (all its threads), in ticks of <see cref="TicksPerSecond"/>.</summary>
    public static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may hold spaces; the fields after its closing parenthesis start at "state".
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// How long the process's threads have waited on a run queue for a core, in nanoseconds: the second field of each
    /// /proc/PID/task/TID/schedstat, summed over the threads alive now (a thread that exited takes its share along).
    /// On a machine with more runnable threads than cores this is the queueing behind a latency tail.
    /// </summary>
    public static long RunQueueWaitNanoseconds(int pid)
    {
        long sum = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                sum += long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread exited between the listing and the read.
            }
        }
        return sum;
    }

    /// <summary>
    /// The whole machine's CPU time since boot from /proc/stat's first line, in ticks of <see cref="TicksPerSecond"/>
    /// summed over every CPU: busy (everything but idle and iowait) and all.
    /// </summary>
    public static (long Busy, long Total) MachineCpuTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest and guest_nice are inside user and nice already).
        var total = fields.Take(8).Sum();
        return (total - fields[3] - fields[4], total);
    }

    private static long Kb(string line) => Field(line) * 1024;

    private static long Field(string line) =>
        long.Parse(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
