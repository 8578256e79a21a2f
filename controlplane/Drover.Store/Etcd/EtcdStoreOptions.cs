namespace Drover.Store.Etcd;

/// <summary>How droverd reaches its etcd cluster (k3s' <c>--datastore-endpoint</c> and <c>--datastore-*file</c> flags).</summary>
public sealed record EtcdStoreOptions
{
    /// <summary>The cluster's client URLs (http:// or https://); requests go to one, and fail over to the next.</summary>
    public required IReadOnlyList<Uri> Endpoints { get; init; }

    /// <summary>PEM bundle of the CA that signed the members' serving certificates (https endpoints); null: the system's roots.</summary>
    public string? CaFile { get; init; }

    /// <summary>PEM client certificate and key, for members started with <c>--client-cert-auth</c>.</summary>
    public string? CertFile { get; init; }

    public string? KeyFile { get; init; }

    /// <summary>Prepended to every key, so several clusters (or test runs) can share one etcd; stripped on the way out.</summary>
    public string KeyPrefix { get; init; } = string.Empty;

    /// <summary>Deadline of one request to one member; past it the request fails over (reads) or fails (writes).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long connecting to one member may take before the next is tried.</summary>
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>HTTP/2 pings on idle connections, so a member that vanished without closing its sockets is noticed.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Keys per range request when a list is read in pages (all pages at one revision).</summary>
    public int ListPageSize { get; init; } = 1000;

    /// <summary>
    /// Watches of keys under this prefix share one etcd watch (see <see cref="EtcdSharedWatch"/>), as kube-apiserver's
    /// watch cache does; null: every watch is an etcd watch of its own.
    /// </summary>
    public string? SharedWatchPrefix { get; init; }

    /// <summary>Events a shared-watch watcher may lag behind before its watch ends with <see cref="StoreWatchOverflowException"/> (SQLite's bound).</summary>
    public int WatchBufferSize { get; init; } = 10_000;

    /// <summary>Bytes of values a shared-watch watcher may lag behind before its watch ends (SQLite's bound).</summary>
    public long WatchBufferBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Recent events the shared watch keeps, so a watcher from a revision a little in the past (an informer after its
    /// list) is served from memory; older starts get an etcd watch of their own.
    /// </summary>
    public int WatchHistoryEvents { get; init; } = 2_048;

    /// <summary>Bytes of values those recent events may hold (after at least one).</summary>
    public long WatchHistoryBytes { get; init; } = 8L * 1024 * 1024;
}
