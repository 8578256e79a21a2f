namespace Drover.Api.Runtime;

/// <summary>What <see cref="MemoryReclaimer"/> decides from: the process's resident memory and how much it has allocated so far.</summary>
/// <param name="ResidentBytes">VmRSS: managed heap, native heap (OpenSSL, SQLite) and code together, as the machine sees it.</param>
/// <param name="AllocatedBytes">Managed bytes allocated since the process started (only ever grows).</param>
public readonly record struct MemoryReading(long ResidentBytes, long AllocatedBytes)
{
    /// <summary>This process, now.</summary>
    public static MemoryReading Current() => new(Environment.WorkingSet, GC.GetTotalAllocatedBytes(precise: false));
}
