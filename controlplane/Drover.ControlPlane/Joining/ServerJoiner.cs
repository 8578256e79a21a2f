using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Drover.Api.Client;

namespace Drover.ControlPlane.Joining;

/// <summary>
/// A droverd started with <c>--server URL --token TOKEN</c> and no cluster CA of its own yet fetches the shared files
/// from that replica, as a k3s server joins: the CA from <c>/cacerts</c> is accepted only if its SHA-256 is the one in
/// the token, and the token itself is sent only over TLS pinned to that CA.
/// </summary>
public static class ServerJoiner
{
    public const string BootstrapPath = "/drover/v1/server-bootstrap";

    /// <summary>True when the data directory already holds a cluster CA (nothing to fetch).</summary>
    public static bool HasClusterCa(string dataDirectory) =>
        File.Exists(Path.Combine(dataDirectory, "pki", "ca.crt")) && File.Exists(Path.Combine(dataDirectory, "pki", "ca.key"));

    public static async Task JoinAsync(Uri server, string token, string dataDirectory, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrEmpty(token);
        var pinned = NodeJoiner.PinnedCaHash(token);
        string caPem;
        using (var insecure = new HttpClient(new SocketsHttpHandler
        {
            // Nothing secret crosses this connection; the CA that comes back is checked against the pin.
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        })
        { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) })
        {
            caPem = await insecure.GetStringAsync(new Uri("/cacerts", UriKind.Relative), ct).ConfigureAwait(false);
        }
        using (var ca = X509Certificate2.CreateFromPem(caPem))
        {
            var actual = Convert.ToHexStringLower(SHA256.HashData(ca.RawData));
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(actual), Encoding.ASCII.GetBytes(pinned)))
                throw new NodeJoinException($"the server's CA (sha256 {actual}) does not match the token's pin (sha256 {pinned}); refusing to join {server}");
        }

        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPem(caPem);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => ValidatePinned(certificate, errors, trusted),
            },
        })
        { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, BootstrapPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new NodeJoinException($"{server} refused to share its bootstrap data ({(int)response.StatusCode}): {Encoding.UTF8.GetString(body)}");
        var bundle = JsonSerializer.Deserialize(body, BootstrapJsonContext.Default.BootstrapBundle)
            ?? throw new NodeJoinException($"{server} answered with empty bootstrap data");
        if (!bundle.Files.ContainsKey("pki/ca.crt") || !bundle.Files.ContainsKey("pki/ca.key"))
            throw new NodeJoinException($"{server}'s bootstrap data holds no cluster CA");
        bundle.Write(dataDirectory);
    }

    /// <summary>The chain to the pinned CA decides; the server's name must be one its certificate holds.</summary>
    private static bool ValidatePinned(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection trusted)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return certificate is X509Certificate2 leaf && chain.Build(leaf);
    }
}
