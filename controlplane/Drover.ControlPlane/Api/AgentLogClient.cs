using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Drover.Api.Client;

namespace Drover.ControlPlane.Api;

/// <summary>Where a node's agent serves container logs and the certificate it must present (one hash, or several separated by commas while it renews).</summary>
public sealed record AgentEndpoint(string NodeName, string Host, int Port, string CertificateHash);

/// <summary>
/// droverd's one HTTP client for node agents. It proves droverd with the cluster-CA client certificate
/// (apiserver-node-client) and trusts an agent only if its self-signed certificate has the hash the node
/// published. Each request names its node as TLS server name (through the Host header): the handler pools
/// connections per node that way, and the validation callback finds the node's pin by that name.
/// </summary>
public sealed class AgentLogClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, string> _pins = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <param name="clientCertificate">The current client certificate, asked for on every handshake (it is renewed while droverd runs).</param>
    /// <param name="time">For the check that a pinned certificate has not expired.</param>
    public AgentLogClient(Func<X509Certificate2> clientCertificate, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(clientCertificate);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                // Always droverd's current certificate: the agent names no acceptable issuers, and there is no other.
                LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate(),
                RemoteCertificateValidationCallback = MatchesPin,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            },
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// Sends a GET and returns once the agent's status and headers are in; the body is read by the caller
    /// as it comes. Throws <see cref="HttpRequestException"/> when the agent cannot be reached or fails the pin.
    /// </summary>
    public Task<HttpResponseMessage> GetAsync(AgentEndpoint agent, string pathAndQuery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentException.ThrowIfNullOrEmpty(pathAndQuery);
        _pins[agent.NodeName] = agent.CertificateHash;
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"https://{agent.Host}:{agent.Port}{pathAndQuery}"));
        request.Headers.Host = agent.NodeName;
        // One connection per request: a connection is never reused under a pin it was not checked against.
        request.Headers.ConnectionClose = true;
        return _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    /// <summary>
    /// Sends an upgrade request (exec, attach, port-forward) and returns once the agent answered. On 101 the content
    /// stream is the raw connection, read and written both ways; any other status carries the agent's error.
    /// </summary>
    public Task<HttpResponseMessage> UpgradeAsync(AgentEndpoint agent, HttpMethod method, string pathAndQuery, IEnumerable<KeyValuePair<string, string>> headers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentException.ThrowIfNullOrEmpty(pathAndQuery);
        ArgumentNullException.ThrowIfNull(headers);
        _pins[agent.NodeName] = agent.CertificateHash;
        var request = new HttpRequestMessage(method, new Uri($"https://{agent.Host}:{agent.Port}{pathAndQuery}"))
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Host = agent.NodeName;
        request.Headers.Connection.Add("Upgrade");
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        return _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    private bool MatchesPin(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || sender is not SslStream tls || !_pins.TryGetValue(tls.TargetHostName, out var pins))
            return false;
        // The pin replaces CA and name checks (the agent's certificate is self-signed by design); its dates still count,
        // so an agent that stopped renewing is not trusted forever.
        var now = _time.GetUtcNow().UtcDateTime;
        if (certificate is X509Certificate2 dated && (now < dated.NotBefore.ToUniversalTime() || now > dated.NotAfter.ToUniversalTime()))
            return false;
        return PinMatches(pins, NodeServing.CertificateHash(certificate));
    }

    /// <summary>
    /// Whether <paramref name="hash"/> is among the comma-separated <paramref name="pins"/>: an agent renewing its
    /// certificate publishes "new,old" before it switches, so neither side of the switch fails a handshake.
    /// </summary>
    internal static bool PinMatches(string pins, string hash)
    {
        var actual = Encoding.ASCII.GetBytes(hash);
        var matched = false;
        foreach (var range in pins.AsSpan().Split(','))
        {
            var pin = pins.AsSpan(range).Trim();
            // Every entry compared, in constant time each: no early exit that tells which one matched.
            matched |= pin.Length == actual.Length && CryptographicOperations.FixedTimeEquals(actual, Encoding.ASCII.GetBytes(pin.ToString()));
        }
        return matched;
    }

    public void Dispose() => _http.Dispose();
}
