using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Api.Tests;

[Trait("Category", "Process")]
public sealed class AuthTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverdProcess _server = fixture.Server;

    [Fact]
    public async Task Request_WrongToken_401Status()
    {
        using var client = _server.ClientWithToken("not-the-token");
        var e = await Assert.ThrowsAsync<ApiClientException>(() => client.ListAsync(ResourceTypes.Pods, "default"));
        Assert.Equal(401, e.Code);
        Assert.Equal("Unauthorized", e.Reason);
    }

    [Fact]
    public async Task Request_NoToken_401ButProbesAndVersionOpen()
    {
        using var client = _server.ClientWithToken("");
        Assert.Equal(401, (await Assert.ThrowsAsync<ApiClientException>(() => client.GetRawAsync("/api/v1/namespaces"))).Code);
        Assert.Equal(401, (await Assert.ThrowsAsync<ApiClientException>(() => client.GetRawAsync("/metrics"))).Code);
        Assert.Equal("ok", System.Text.Encoding.UTF8.GetString(await client.GetRawAsync("/healthz")));
        Assert.Equal("ok", System.Text.Encoding.UTF8.GetString(await client.GetRawAsync("/readyz")));
        Assert.Contains("gitVersion", System.Text.Encoding.UTF8.GetString(await client.GetRawAsync("/version")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_ServesOnlyTls_WithCertificateForLoopback()
    {
        // Plain HTTP on the port gets no API answer.
        using var plain = new HttpClient();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync(new Uri($"http://127.0.0.1:{_server.Port}/version")));

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _server.Port);
        using var tls = new System.Net.Security.SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        using var cert = new X509Certificate2(tls.RemoteCertificate!);
        var sans = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains(IPAddress.Loopback, sans.EnumerateIPAddresses());
        Assert.Contains("localhost", sans.EnumerateDnsNames());
    }

    [Fact]
    public void Credentials_WrittenOwnerOnly_JoinTokenPinsCa()
    {
        foreach (var file in new[] { "credentials/admin-token", "credentials/join-token", "pki/ca.key", "pki/server.key", "admin.config" })
        {
            var mode = File.GetUnixFileMode(Path.Combine(_server.DataDirectory, file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        }
        var join = File.ReadAllText(Path.Combine(_server.DataDirectory, "credentials/join-token")).Trim();
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_server.DataDirectory, "pki/ca.crt")));
        Assert.StartsWith("K10" + Convert.ToHexStringLower(SHA256.HashData(ca.RawData)) + "::server:", join, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_UntrustedCa_Refused()
    {
        using var otherCaKey = ECDsa.Create();
        using var otherCa = new CertificateRequest("CN=other", otherCaKey, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        var settings = ClientSettings.Load(_server.ClientConfigPath) with { CaPem = otherCa.ExportCertificatePem() };
        using var client = new DroverClient(settings);
        var e = await Assert.ThrowsAsync<ApiClientException>(() => client.ListAsync(ResourceTypes.Namespaces, null));
        Assert.Contains("cannot reach droverd", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_WithToken_ExposesApiSeries()
    {
        using var client = _server.Client();
        await client.ListAsync(ResourceTypes.Namespaces, null);
        var text = System.Text.Encoding.UTF8.GetString(await client.GetRawAsync("/metrics"));
        Assert.Contains("drover_apiserver_requests_total{verb=\"list\",resource=\"namespaces\",code=\"200\"}", text, StringComparison.Ordinal);
        Assert.Contains("drover_apiserver_request_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("drover_store_operation_duration_seconds_bucket", text, StringComparison.Ordinal);
    }
}
