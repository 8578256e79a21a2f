using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Drover.Api.Client;

namespace Drover.Agent.Logs.Tests;

/// <summary>The caller check on its own, with certificates made here: each refusal says why.</summary>
public sealed class ClientCertificatePolicyTests : IDisposable
{
    private readonly X509Certificate2 _clusterCa = NewCa();
    private readonly X509Certificate2 _otherCa = NewCa();

    public void Dispose()
    {
        _clusterCa.Dispose();
        _otherCa.Dispose();
    }

    private ClientCertificatePolicy Policy() => new([X509CertificateLoader.LoadCertificate(_clusterCa.RawData)]);

    private static X509Certificate2 NewCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=drover-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(10));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string commonName, string usage = NodeServing.ClientAuthenticationOid, int validDays = 1)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(ca, now.AddDays(-2), now.AddDays(validDays), [9, 8, 7]);
        return issued.CopyWithPrivateKey(key);
    }

    [Fact]
    public void Check_DroverdCertificateFromClusterCa_Allowed()
    {
        using var droverd = Issue(_clusterCa, NodeServing.ClientCommonName);
        Assert.Null(Policy().Check(droverd));
    }

    [Fact]
    public void Check_NoCertificate_Refused()
    {
        Assert.Equal("no client certificate", Policy().Check(null));
    }

    [Fact]
    public void Check_RightSubjectFromAnotherCa_RefusedAsNotClusterCa()
    {
        using var impostor = Issue(_otherCa, NodeServing.ClientCommonName);
        Assert.Contains("is not from the cluster CA", Policy().Check(impostor), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ClusterCaCertificateOfANode_RefusedAsNotDroverd()
    {
        using var node = Issue(_clusterCa, "system:node:edge-1");
        Assert.Contains("is not droverd's", Policy().Check(node), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ServerAuthenticationOnly_Refused()
    {
        using var server = Issue(_clusterCa, NodeServing.ClientCommonName, usage: "1.3.6.1.5.5.7.3.1");
        Assert.Contains("not valid for client authentication", Policy().Check(server), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Expired_Refused()
    {
        using var expired = Issue(_clusterCa, NodeServing.ClientCommonName, validDays: -1);
        Assert.NotNull(Policy().Check(expired));
    }

    [Fact]
    public void Constructor_NoCa_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ClientCertificatePolicy([]));
    }
}
