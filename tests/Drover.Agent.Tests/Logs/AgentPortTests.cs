using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Drover.Api;
using Drover.Api.Client;

namespace Drover.Agent.Logs.Tests;

/// <summary>
/// The agent's log port spoken to directly: only droverd's cluster-CA client certificate gets an answer,
/// and the Node publishes what droverd needs to pin the agent.
/// </summary>
[Collection(LogsNodeCollection.Name)]
[Trait("Category", "Process")]
public sealed class AgentPortTests(LogsNodeFixture node)
{
    private string Pki => Path.Combine(node.Droverd.DataDirectory, "pki");

    private Uri LogUri(string pod) => new($"https://127.0.0.1:{node.ServingEndpoint.Port}{NodeServing.ContainerLogsPath("default", pod, "app")}");

    private static HttpClient Client(X509Certificate2? clientCertificate)
    {
        var options = new SslClientAuthenticationOptions
        {
            // These tests are about the agent checking its caller; the caller's check of the agent is droverd's pin.
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        };
        if (clientCertificate is not null)
        {
            options.ClientCertificates = [clientCertificate];
            options.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }

        return new HttpClient(new SocketsHttpHandler { SslOptions = options, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(15) };
    }

    private static X509Certificate2 Issue(X509Certificate2 issuer, string commonName, string usage = NodeServing.ClientAuthenticationOid)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(issuer, now.AddMinutes(-5), now.AddDays(1), [1, 2, 3, 4]);
        return certificate.CopyWithPrivateKey(key);
    }

    private X509Certificate2 ClusterCa()
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(Pki, "ca.key")));
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Pki, "ca.crt")));
        return ca.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 OtherCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=drover-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private async Task AssertRefusedAsync(X509Certificate2? clientCertificate)
    {
        using var client = Client(clientCertificate);
        // The handshake fails (TLS 1.2) or the connection is dropped right after it (TLS 1.3 checks the client last).
        var e = await Assert.ThrowsAnyAsync<Exception>(() => client.GetAsync(LogUri("any-pod")));
        Assert.True(e is HttpRequestException or IOException, e.ToString());
    }

    [Fact]
    public async Task AgentPort_NoClientCertificate_Refused()
    {
        await AssertRefusedAsync(null);
    }

    [Fact]
    public async Task AgentPort_RightSubjectFromAnotherCa_Refused()
    {
        using var ca = OtherCa();
        using var impostor = Issue(ca, NodeServing.ClientCommonName);

        await AssertRefusedAsync(impostor);
    }

    [Fact]
    public async Task AgentPort_ClusterCaCertificateOfAnotherSubject_Refused()
    {
        using var ca = ClusterCa();
        using var nodeLike = Issue(ca, "system:node:" + LogsNodeFixture.NodeName);

        await AssertRefusedAsync(nodeLike);
    }

    [Fact]
    public async Task AgentPort_ClusterCaCertificateForServerAuthOnly_Refused()
    {
        using var ca = ClusterCa();
        using var serverAuth = Issue(ca, NodeServing.ClientCommonName, usage: "1.3.6.1.5.5.7.3.1");

        await AssertRefusedAsync(serverAuth);
    }

    [Fact]
    public async Task AgentPort_DroverdClientCertificate_AnswersUnknownPodWithPlain404()
    {
        using var droverd = X509Certificate2.CreateFromPemFile(Path.Combine(Pki, "apiserver-node-client.crt"), Path.Combine(Pki, "apiserver-node-client.key"));
        using var client = Client(droverd);

        using var response = await client.GetAsync(LogUri("no-such-pod"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("pod \"default/no-such-pod\" is not running on this node\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Node_AfterStart_PublishesPortAndCertificateHash()
    {
        var published = await node.Admin.GetAsync(ResourceTypes.Nodes, null, LogsNodeFixture.NodeName);
        var credentials = Path.Combine(node.Directory, "agent", "credentials");
        using var serving = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(credentials, "serving.crt")));

        Assert.Equal(node.ServingEndpoint.Port, published.Status?.DaemonEndpoints?.KubeletEndpoint?.Port);
        Assert.Equal(NodeServing.CertificateHash(serving), published.Metadata.Annotations?[NodeServing.CertificateHashAnnotation]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(credentials, "serving.key")));
    }

    private static string AnnotationPatch(string hash) =>
        "{\"metadata\":{\"annotations\":{\"" + NodeServing.CertificateHashAnnotation + "\":\"" + hash + "\"}}}";

    [Fact]
    public async Task Logs_NodeAnnotatedWithAnotherHash_ServiceUnavailableNamingTheHandshake()
    {
        var stored = await node.Admin.GetAsync(ResourceTypes.Nodes, null, LogsNodeFixture.NodeName);
        var real = stored.Metadata.Annotations![NodeServing.CertificateHashAnnotation];
        var name = "pinned-" + Guid.NewGuid().ToString("N")[..8];
        await node.Admin.CreateAsync(ResourceTypes.Pods, new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = name, Namespace = "default" },
            Spec = new PodSpec { NodeName = LogsNodeFixture.NodeName, TerminationGracePeriodSeconds = 1, Containers = [new Container { Name = "app", Image = "my-app:v1.0" }] },
        });
        await node.Admin.PatchAsync(ResourceTypes.Nodes, null, LogsNodeFixture.NodeName, AnnotationPatch(new string('0', 64)));
        try
        {
            var e = await Assert.ThrowsAsync<ApiClientException>(async () =>
            {
                using var body = await node.Admin.GetStreamAsync(DroverClient.PodLogPath("default", name));
            });

            Assert.Equal(503, e.Code);
            Assert.Contains($"cannot reach the agent of node {LogsNodeFixture.NodeName}", e.Message, StringComparison.Ordinal);
            Assert.Contains("TLS handshake failed", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            await node.Admin.PatchAsync(ResourceTypes.Nodes, null, LogsNodeFixture.NodeName, AnnotationPatch(real));
            await Drover.Agent.Pods.Tests.TestPods.DeleteQuietlyAsync(node.Admin, name);
        }
    }
}
