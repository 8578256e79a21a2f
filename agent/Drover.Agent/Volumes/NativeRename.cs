using System.Runtime.InteropServices;

namespace Drover.Agent.Volumes;

/// <summary>
/// rename(2) of a symlink over another: the atomic step of the ..data swap. File.Move follows the link to check its
/// source (a directory here) and refuses it.
/// </summary>
internal static class NativeRename
{
    public static void Replace(string source, string destination)
    {
        if (Rename(ref LinuxMounts.CString(source)[0], ref LinuxMounts.CString(destination)[0]) != 0)
        {
            throw new IOException($"rename {source} to {destination} failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    [DllImport("libc.so.6", EntryPoint = "rename", SetLastError = true, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Rename(ref byte source, ref byte destination);
}
