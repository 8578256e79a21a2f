using System.Globalization;
using System.Runtime.InteropServices;

namespace Drover.Agent.Node;

/// <summary>What the kernel says about this machine (procfs, os-release, statvfs). Missing files read as unknown, never as an error.</summary>
internal static class HostFacts
{
    public static string KernelVersion() => ReadTrimmed("/proc/sys/kernel/osrelease") ?? "unknown";

    public static string BootId() => ReadTrimmed("/proc/sys/kernel/random/boot_id") ?? "";

    public static string MachineId() => ReadTrimmed("/etc/machine-id") ?? ReadTrimmed("/var/lib/dbus/machine-id") ?? "";

    /// <summary>PRETTY_NAME from os-release, as kubelet reports osImage.</summary>
    public static string OsImage()
    {
        foreach (var path in new[] { "/etc/os-release", "/usr/lib/os-release" })
        {
            if (!File.Exists(path))
                continue;
            foreach (var line in File.ReadLines(path))
            {
                if (!line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                    continue;
                var value = line["PRETTY_NAME=".Length..].Trim();
                return value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0] ? value[1..^1] : value;
            }
        }
        return "Linux";
    }

    /// <summary>GOARCH names, as Kubernetes uses them in kubernetes.io/arch and nodeInfo.</summary>
    public static string Architecture() => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        System.Runtime.InteropServices.Architecture.X86 => "386",
        System.Runtime.InteropServices.Architecture.RiscV64 => "riscv64",
        System.Runtime.InteropServices.Architecture.S390x => "s390x",
        System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64le",
        System.Runtime.InteropServices.Architecture.LoongArch64 => "loong64",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// cpu time the whole node has spent busy since boot (/proc/stat's first line without idle and iowait), in
    /// nanoseconds: the node-level counterpart of CRI's usageCoreNanoSeconds.
    /// </summary>
    public static long CpuBusyNanoseconds()
    {
        using var reader = new StreamReader("/proc/stat");
        var line = reader.ReadLine() ?? "";
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 8 || fields[0] != "cpu")
            return 0;
        // user nice system idle iowait irq softirq steal (guest time is already inside user), in USER_HZ ticks.
        long busy = 0;
        foreach (var index in (ReadOnlySpan<int>)[1, 2, 3, 6, 7, 8])
        {
            if (index < fields.Length && long.TryParse(fields[index], System.Globalization.CultureInfo.InvariantCulture, out var ticks))
                busy += ticks;
        }
        // USER_HZ is 100 on every Linux ABI .NET runs on.
        return busy * 10_000_000;
    }

    /// <summary>MemTotal and MemAvailable from /proc/meminfo, in bytes.</summary>
    public static (long Total, long Available) Memory()
    {
        long total = 0, available = -1, free = 0;
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                total = KiloBytes(line);
            else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                available = KiloBytes(line);
            else if (line.StartsWith("MemFree:", StringComparison.Ordinal))
                free = KiloBytes(line);
        }
        // Kernels before 3.14 have no MemAvailable; MemFree underestimates, which errs on the safe side.
        return (total, available >= 0 ? available : free);
    }

    /// <summary>Tasks (threads) in use and the kernel's pid_max: the 4th field of /proc/loadavg is running/total.</summary>
    public static (long InUse, long Max) Pids()
    {
        long max = long.TryParse(ReadTrimmed("/proc/sys/kernel/pid_max"), NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 0;
        long inUse = 0;
        var loadavg = ReadTrimmed("/proc/loadavg")?.Split(' ');
        if (loadavg is { Length: > 3 } && loadavg[3].IndexOf('/', StringComparison.Ordinal) is var slash and > 0)
            _ = long.TryParse(loadavg[3].AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out inUse);
        return (inUse, max);
    }

    /// <summary>Size and space available to unprivileged users of the filesystem holding <paramref name="path"/> (statvfs).</summary>
    public static (long Total, long Available) Disk(string path)
    {
        // On Unix DriveInfo is a thin statvfs of the given path; it need not be a mount point.
        var drive = new DriveInfo(path);
        return (drive.TotalSize, drive.AvailableFreeSpace);
    }

    private static long KiloBytes(string line)
    {
        var span = line.AsSpan(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim();
        var space = span.IndexOf(' ');
        return long.Parse(space < 0 ? span : span[..space], NumberStyles.None, CultureInfo.InvariantCulture) * 1024;
    }

    private static string? ReadTrimmed(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
