namespace Drover.Store;

public sealed record SqliteStoreOptions
{
    /// <summary>Most writes committed in one transaction (one fsync).</summary>
    public int MaxBatchSize { get; init; } = 256;

    /// <summary>Events a watcher may lag behind before its watch ends with <see cref="StoreWatchOverflowException"/>.</summary>
    public int WatchBufferSize { get; init; } = 10_000;

    /// <summary>
    /// Bytes of values (new and previous) a watcher may lag behind before its watch ends with
    /// <see cref="StoreWatchOverflowException"/>; with large objects this is reached long before <see cref="WatchBufferSize"/>.
    /// </summary>
    public long WatchBufferBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Idle read connections kept open; more are opened under load and closed when returned.</summary>
    public int MaxPooledReaders { get; init; } = 8;

    /// <summary>Log rows a watcher reads per short read transaction while catching up.</summary>
    public int WatchCatchUpPageSize { get; init; } = 1_000;

    /// <summary>Bytes of values a catch-up page stops at (after at least one row), so a page of large objects stays small.</summary>
    public int WatchCatchUpPageBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>How long a connection waits for a lock held by another connection (e.g. a WAL checkpoint or an external tool).</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
