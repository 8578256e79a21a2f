using System.Runtime.InteropServices;

namespace Drover.Agent.Volumes;

/// <summary>
/// The type of a file, which .NET does not expose (sockets and devices are all "files" to it): statx(2), whose
/// buffer has one layout on every architecture (unlike struct stat), so arm64 edge nodes read it as x64 does.
/// </summary>
internal static class FileKinds
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 1;
    private const int ModeOffset = 28;

    public static FileKind Of(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Span<byte> buffer = stackalloc byte[256];
        // Follows symlinks, as the kubelet's hostPath checks do (os.Stat).
        if (NativeStatx(AtFdCwd, ref LinuxMounts.CString(path)[0], 0, StatxType, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            return FileKind.Missing;
        }

        var mode = BitConverter.ToUInt16(buffer[ModeOffset..]) & 0xF000;
        return mode switch
        {
            0x4000 => FileKind.Directory,
            0x8000 => FileKind.File,
            0xC000 => FileKind.Socket,
            0x2000 => FileKind.CharDevice,
            0x6000 => FileKind.BlockDevice,
            _ => FileKind.Other,
        };
    }

    [DllImport("libc.so.6", EntryPoint = "statx", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int NativeStatx(int dirFd, ref byte path, int flags, uint mask, ref byte buffer);
}
