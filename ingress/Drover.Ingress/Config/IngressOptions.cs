using System.Net;

namespace Drover.Ingress.Config;

/// <summary>drover-ingress's settings, from its command line.</summary>
public sealed record IngressOptions
{
    /// <summary>The client config (kubeconfig-shaped) holding droverd's CA and the ingress credential.</summary>
    public required string ConfigPath { get; init; }

    /// <summary>Overrides the server of the client config.</summary>
    public Uri? Server { get; init; }

    public IPAddress BindAddress { get; init; } = IPAddress.Any;
    public int HttpPort { get; init; } = 80;

    /// <summary>0 turns HTTPS off.</summary>
    public int HttpsPort { get; init; } = 443;

    public string IngressClass { get; init; } = "drover";

    /// <summary>/metrics and /healthz; null turns them off.</summary>
    public IPEndPoint? MetricsEndpoint { get; init; } = new(IPAddress.Loopback, 10254);

    /// <summary>Written into status.loadBalancer.ingress[].ip of the ingresses served; null: not written.</summary>
    public string? PublishAddress { get; init; }

    /// <summary>How long a request may wait for the upstream's next bytes (headers or body).</summary>
    public TimeSpan UpstreamTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long bytes sent to a backend (its connect's SYN too) may stay unacknowledged before its connection counts as
    /// dead (TCP_USER_TIMEOUT), and how long a connection awaiting an answer may hear nothing, keep-alive probes sent
    /// at half this included:
    /// short enough that a request caught on a pooled connection to a cut-off pod is retried elsewhere before a client's
    /// usual 5 s timeout, long enough for any live pod's kernel, which acknowledges in milliseconds.
    /// </summary>
    public TimeSpan UnacknowledgedTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Watch events closer together than this are folded into one rebuild.</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>How long passive health checks keep a failing address out of rotation.</summary>
    public TimeSpan FailTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Kestrel's graceful shutdown by default: in-flight requests get this long to finish.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Kestrel's graceful shutdown: in-flight requests get this long to finish.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;
}
