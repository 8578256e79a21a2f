using System.Globalization;
using System.Runtime.InteropServices;

namespace Drover.Agent.Volumes;

/// <summary>
/// The mounts the agent makes itself: a tmpfs (noswap where the kernel has it) for memory-backed emptyDirs and for
/// Secrets (never on disk), as the kubelet's emptyDir plugin does, and their unmounting. libc's mount(2) and umount2(2); which paths are mount points
/// is read from /proc/self/mountinfo.
/// </summary>
internal static class LinuxMounts
{
    private const ulong MsNoDev = 4;
    private const ulong MsNoSuid = 2;
    private const int MntDetach = 2;

    private const int EInval = 22;

    /// <summary>Cleared once a kernel refuses tmpfs' noswap option (before Linux 6.4); the mounts then go without it.</summary>
    private static volatile bool s_noSwapSupported = true;

    /// <summary>
    /// A tmpfs on <paramref name="target"/>, with <c>noswap</c> where the kernel has it (Linux ≥ 6.4): otherwise a node
    /// with swap could page a Secret out to its swap device, which is disk. The kubelet does the same for memory-backed
    /// volumes.
    /// </summary>
    public static void MountTmpfs(string target, long? sizeBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        var options = sizeBytes is { } size and > 0
            ? string.Create(CultureInfo.InvariantCulture, $"mode=0755,size={size}")
            : "mode=0755";
        if (s_noSwapSupported)
        {
            if (Mount("tmpfs", target, "tmpfs", MsNoDev | MsNoSuid, options + ",noswap") == 0)
            {
                return;
            }

            if (Marshal.GetLastPInvokeError() != EInval)
            {
                throw new VolumeException($"mount -t tmpfs on {target} failed: {Marshal.GetLastPInvokeErrorMessage()}");
            }

            s_noSwapSupported = false;
        }

        if (Mount("tmpfs", target, "tmpfs", MsNoDev | MsNoSuid, options) != 0)
        {
            throw new VolumeException($"mount -t tmpfs on {target} failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    /// <summary>Unmounts lazily (MNT_DETACH): a container still holding a file open must not keep the pod's teardown waiting.</summary>
    public static void Unmount(string target)
    {
        if (Umount2(target, MntDetach) != 0)
        {
            throw new VolumeException($"umount {target} failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    /// <summary>The mount points at or below <paramref name="root"/>, deepest first (the order to unmount them in).</summary>
    public static IReadOnlyList<string> MountsUnder(string root)
    {
        var prefix = root.TrimEnd('/');
        var found = new List<string>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw": the fifth field, octal-escaped.
            var fields = line.Split(' ');
            if (fields.Length < 5)
            {
                continue;
            }

            var point = Unescape(fields[4]);
            if (point == prefix || point.StartsWith(prefix + "/", StringComparison.Ordinal))
            {
                found.Add(point);
            }
        }

        return [.. found.OrderByDescending(p => p.Length)];
    }

    public static bool IsMountPoint(string path) => MountsUnder(path).Contains(path.TrimEnd('/'));

    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
        {
            return field;
        }

        var sb = new System.Text.StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length
                && int.TryParse(field.AsSpan(i + 1, 3), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                sb.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                sb.Append(field[i]);
            }
        }

        return sb.ToString();
    }

    private static int Mount(string source, string target, string fileSystemType, ulong flags, string data) =>
        NativeMount(ref CString(source)[0], ref CString(target)[0], ref CString(fileSystemType)[0], flags, ref CString(data)[0]);

    private static int Umount2(string target, int flags) => NativeUmount2(ref CString(target)[0], flags);

    /// <summary>A NUL-terminated UTF-8 copy: the native calls take a pinned byte reference, so no marshalling stub is needed.</summary>
    internal static byte[] CString(string value)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(value) + 1];
        System.Text.Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }

    // DllImport over blittable arguments, as MallocHeap: LibraryImport would need unsafe code enabled for its stubs.
    [DllImport("libc.so.6", EntryPoint = "mount", SetLastError = true, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int NativeMount(ref byte source, ref byte target, ref byte fileSystemType, ulong flags, ref byte data);

    [DllImport("libc.so.6", EntryPoint = "umount2", SetLastError = true, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int NativeUmount2(ref byte target, int flags);
}
