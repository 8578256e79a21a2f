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

    // DllImport, not LibraryImport: the signature is blittable, so no marshalling stub (or unsafe code) is needed.
    [DllImport("libc.so.6", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int malloc_trim(nuint pad);
}
