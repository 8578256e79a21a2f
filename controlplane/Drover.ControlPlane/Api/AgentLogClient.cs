using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Drover.Api.Client;

namespace Drover.ControlPlane.Api;

/// <summary>Where a node's agent serves container logs and the certificate it must present.</summary>
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

    public AgentLogClient(X509Certificate2 clientCertificate)
    {
        ArgumentNullException.ThrowIfNull(clientCertificate);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [clientCertificate],
                // Always this certificate: the agent names no acceptable issuers, and there is no other.
                LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate,
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

    private bool MatchesPin(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || sender is not SslStream tls || !_pins.TryGetValue(tls.TargetHostName, out var pin))
            return false;
        // The pin replaces CA and name checks: the agent's certificate is self-signed by design.
        var actual = Encoding.ASCII.GetBytes(NodeServing.CertificateHash(certificate));
        return CryptographicOperations.FixedTimeEquals(actual, Encoding.ASCII.GetBytes(pin));
    }

    public void Dispose() => _http.Dispose();
}
