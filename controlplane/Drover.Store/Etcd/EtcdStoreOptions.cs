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
}
