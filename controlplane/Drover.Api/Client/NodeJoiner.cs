using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Drover.Api.Client;

/// <summary>
/// Joins a node as k3s agents do: fetch the CA from <c>/cacerts</c> (unverified), accept it only if its
/// SHA-256 equals the hash in the join token, and only then send the token — over TLS pinned to that CA —
/// to get the node's own credential.
/// </summary>
public static class NodeJoiner
{
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    public static async Task<ClientSettings> JoinAsync(Uri server, string joinToken, string nodeName, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrEmpty(joinToken);
        var pinned = PinnedCaHash(joinToken);

        string caPem;
        using (var insecure = new HttpClient(new SocketsHttpHandler
        {
            // Nothing secret crosses this connection; what comes back is checked against the pin below.
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        })
        { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) })
        {
            try
            {
                caPem = await insecure.GetStringAsync(new Uri("/cacerts", UriKind.Relative), ct).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw new NodeJoinException($"cannot reach droverd at {server}: {e.Message}", e);
            }
        }
        string actual;
        try
        {
            using var ca = X509Certificate2.CreateFromPem(caPem);
            actual = Convert.ToHexStringLower(SHA256.HashData(ca.RawData));
        }
        catch (CryptographicException e)
        {
            throw new NodeJoinException($"{server}cacerts did not return a certificate: {e.Message}", e);
        }
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(actual), Encoding.ASCII.GetBytes(pinned)))
            throw new NodeJoinException($"the server's CA (sha256 {actual}) does not match the join token's pin (sha256 {pinned}); refusing to join {server}");

        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPem(caPem);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, errors) => CaTrust.Validate(certificate, errors, trusted) },
        })
        { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        var body = JsonSerializer.SerializeToUtf8Bytes(new NodeJoinRequest { NodeName = nodeName }, NodeJoinJsonContext.Default.NodeJoinRequest);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/drover/v1/join") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", joinToken);
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        var answer = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var status = TryStatus(answer);
            throw new NodeJoinException($"droverd refused the join ({(int)response.StatusCode}): {status?.Message ?? Encoding.UTF8.GetString(answer)}");
        }
        var joined = JsonSerializer.Deserialize(answer, NodeJoinJsonContext.Default.NodeJoinResponse)
            ?? throw new NodeJoinException("droverd answered the join with an empty body");
        return new ClientSettings(server, joined.Token, caPem, "default");
    }

    /// <summary>The CA hash of a k3s-shaped token: K10&lt;sha256-hex&gt;::…</summary>
    public static string PinnedCaHash(string joinToken)
    {
        ArgumentNullException.ThrowIfNull(joinToken);
        var end = joinToken.IndexOf("::", StringComparison.Ordinal);
        if (!joinToken.StartsWith("K10", StringComparison.Ordinal) || end != 3 + 64 || joinToken.AsSpan(3, 64).ContainsAnyExcept(HexDigits))
            throw new NodeJoinException("the join token is malformed: expected K10<sha256 of the CA>::server:<secret> (from DATA/credentials/join-token on the server)");
        return joinToken.Substring(3, 64);
    }

    private static Status? TryStatus(byte[] body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, ApiJsonContext.Default.Status);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public sealed class NodeJoinException : Exception
{
    public NodeJoinException() { }
    public NodeJoinException(string message) : base(message) { }
    public NodeJoinException(string message, Exception innerException) : base(message, innerException) { }
}
