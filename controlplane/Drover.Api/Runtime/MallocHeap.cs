using System.Runtime.InteropServices;

namespace Drover.Api.Runtime;

/// <summary>The C heap, which OpenSSL, the TLS handshakes and the runtime's own native parts allocate from.</summary>
public static class MallocHeap
{
    /// <summary>
    /// Gives the free pages of glibc's malloc arenas back to the kernel. Start-up (join, TLS handshakes, certificate
    /// parsing) and bursts (many TLS connections, SQLite pages) free far more than they keep, and glibc returns only the
    /// top of its main heap on its own.
    /// </summary>
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            _ = malloc_trim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): nothing to give back this way.
        }
    }

    /// <summary>
    /// glibc's own account (mallinfo2): bytes handed out and still in use (small blocks plus mmapped large ones), and
    /// bytes it holds free in its arenas; null where that is not available (not glibc, or glibc before 2.33).
    /// </summary>
    public static (long InUse, long HeldFree)? Usage()
    {
        if (!OperatingSystem.IsLinux())
            return null;
        try
        {
            var info = mallinfo2();
            return ((long)(info.Uordblks + info.Hblkhd), (long)info.Fordblks);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena;
        public nuint Ordblks;
        public nuint Smblks;
        public nuint Hblks;
        public nuint Hblkhd;
        public nuint Usmblks;
        public nuint Fsmblks;
        public nuint Uordblks;
        public nuint Fordblks;
        public nuint Keepcost;
    }

    [DllImport("libc.so.6", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern MallInfo2 mallinfo2();

    // DllImport, not LibraryImport: the signature is blittable, so no marshalling stub (or unsafe code) is needed.
    [DllImport("libc.so.6", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int malloc_trim(nuint pad);
}
