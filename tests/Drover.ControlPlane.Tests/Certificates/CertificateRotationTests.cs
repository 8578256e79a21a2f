using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.ControlPlane.Certificates.Tests;

/// <summary>A droverd whose certificates live 9 s, and whose CA is "near its end" at once (the warning threshold exceeds its 10 years).</summary>
public sealed class ShortCertificateDroverdFixture : IAsyncLifetime
{
    private DroverdProcess? _server;

    public DroverdProcess Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() =>
        _server = await DroverdProcess.StartAsync(null, "--cluster-signing-duration", "9s", "--ca-expiry-warning", "876000h");

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}

[Trait("Category", "Process")]
public sealed class CertificateRotationTests(ShortCertificateDroverdFixture fixture) : IClassFixture<ShortCertificateDroverdFixture>
{
    private DroverdProcess Server => fixture.Server;

    /// <summary>A new TLS connection, validated against the cluster CA alone; returns the serving certificate's serial.</summary>
    private async Task<string> HandshakeAsync(X509Certificate2Collection ca)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Server.Port);
        string? refusal = null;
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            var valid = chain.Build(new X509Certificate2(certificate!));
            refusal = valid ? null : string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation));
            return valid;
        });
        await tls.AuthenticateAsClientAsync("127.0.0.1");
        Assert.Null(refusal);
        using var served = new X509Certificate2(tls.RemoteCertificate!);
        return served.SerialNumber;
    }

    [Fact]
    public async Task ServingCertificate_RenewedWhileRunning_NewConnectionsSeeItAndAClientKeepsWorking()
    {
        var settings = ClientSettings.Load(Server.ClientConfigPath);
        var ca = settings.CaCertificates();
        using var longLived = Server.Client();
        var serials = new List<string>();
        var requests = 0;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (serials.Distinct().Count() < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, $"saw serving certificates {string.Join(", ", serials.Distinct())} in 90 s\n{Server.Output}");
            // The same client throughout (its pooled connection) and a fresh one (a new handshake) both keep working.
            await longLived.ListAsync(ResourceTypes.Namespaces, null);
            using (var fresh = new DroverClient(settings))
                await fresh.GetRawAsync("/version");
            serials.Add(await HandshakeAsync(ca));
            requests++;
            await Task.Delay(500);
        }

        Assert.False(Server.HasExited);
        Assert.Contains("renewed droverd's serving certificate", Server.Output, StringComparison.Ordinal);
        Assert.Contains("renewed droverd's apiserver-node-client certificate", Server.Output, StringComparison.Ordinal);
        using var current = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Server.DataDirectory, "pki", "server.crt")));
        Assert.Contains(current.SerialNumber, serials.TakeLast(3));
        Assert.True(requests >= 3);
    }

    [Fact]
    public async Task Metrics_SecondsUntilEachCertificateExpires()
    {
        using var client = Server.Client();

        var text = Encoding.UTF8.GetString(await client.GetRawAsync("/metrics"));

        var ttl = text.Split('\n').Where(l => l.StartsWith("drover_certificate_ttl_seconds{", StringComparison.Ordinal))
            .ToDictionary(l => l[(l.IndexOf('"') + 1)..l.LastIndexOf('"')], l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(ttl["ca"], 3600.0 * 24 * 3640, 3600.0 * 24 * 3651);
        Assert.InRange(ttl["serving"], -1, 9.5);
        Assert.InRange(ttl["apiserver-node-client"], -1, 9.5);
    }

    [Fact]
    public async Task CaNearItsEnd_WarningEventAndLogLine()
    {
        using var client = Server.Client();

        var warning = await Poll.UntilAsync(
            async () => (await client.ListAsync(ResourceTypes.Events, "default")).Items.OfType<Event>().FirstOrDefault(e => e.Reason == CertificateRotation.ExpiryReason),
            e => e is not null, "the CertificateExpirationWarning event");

        Assert.Equal("Warning", warning!.Type);
        Assert.Equal("Namespace", warning.InvolvedObject?.Kind);
        Assert.Equal("kube-system", warning.InvolvedObject?.Name);
        Assert.Contains("the cluster CA", warning.Message, StringComparison.Ordinal);
        Assert.Contains("expires at", warning.Message, StringComparison.Ordinal);
        Assert.Contains("warn: Drover.ControlPlane.Certificates.CertificateRotation[1203] the cluster CA", Server.Output, StringComparison.Ordinal);
    }
}
