using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Registry.Allocation.Tests;

/// <summary>Cluster IPs and node ports through the API of a real droverd (default ranges: 10.43.0.0/16, 30000-32767).</summary>
[Trait("Category", "Process")]
public sealed class ServiceAllocationTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverClient _client = fixture.Server.Client();

    internal static Service NewService(string ns, string name, string? clusterIp = null, string? type = null, int? nodePort = null) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        Spec = new ServiceSpec
        {
            Type = type,
            ClusterIP = clusterIp,
            Selector = new() { ["app"] = name },
            Ports = [new ServicePort { Port = 80, TargetPort = new IntOrString(3000), NodePort = nodePort }],
        },
    };

    [Fact]
    public async Task Create_WithoutClusterIp_GetsOneFromTheServiceCidr()
    {
        var ns = await TestNamespaces.CreateAsync(_client);

        var created = await _client.CreateAsync(ResourceTypes.Services, NewService(ns, "web"));

        Assert.StartsWith("10.43.", created.Spec.ClusterIP, StringComparison.Ordinal);
        Assert.Equal([created.Spec.ClusterIP!], created.Spec.ClusterIPs!);
        var read = await _client.GetAsync(ResourceTypes.Services, ns, "web");
        Assert.Equal(created.Spec.ClusterIP, read.Spec.ClusterIP);
    }

    [Fact]
    public async Task Create_RequestedIpInRange_Honoured_AndTakenOnlyOnce()
    {
        var ns = await TestNamespaces.CreateAsync(_client);

        var created = await _client.CreateAsync(ResourceTypes.Services, NewService(ns, "a", "10.43.0.10"));
        var e = await Assert.ThrowsAsync<ApiClientException>(() => _client.CreateAsync(ResourceTypes.Services, NewService(ns, "b", "10.43.0.10")));

        Assert.Equal("10.43.0.10", created.Spec.ClusterIP);
        Assert.Equal(422, e.Code);
        Assert.Equal("spec.clusterIP", Assert.Single(e.Status.Details!.Causes!).Field);
        Assert.Contains("already allocated", e.Message, StringComparison.Ordinal);
        Assert.Null(await _client.TryGetAsync(ResourceTypes.Services, ns, "b"));
    }

    [Theory]
    [InlineData("10.44.0.1")]
    [InlineData("10.43.0.0")]     // the network address
    [InlineData("10.43.255.255")] // the broadcast address
    public async Task Create_IpOutsideTheRange_422NamingClusterIp(string ip)
    {
        var ns = await TestNamespaces.CreateAsync(_client);

        var e = await Assert.ThrowsAsync<ApiClientException>(() => _client.CreateAsync(ResourceTypes.Services, NewService(ns, "out", ip)));

        Assert.Equal(422, e.Code);
        Assert.Equal("spec.clusterIP", Assert.Single(e.Status.Details!.Causes!).Field);
        Assert.Contains("not in the valid range", e.Message, StringComparison.Ordinal);
        Assert.Contains("10.43.0.0/16", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Headless_StaysHeadless()
    {
        var ns = await TestNamespaces.CreateAsync(_client);

        var created = await _client.CreateAsync(ResourceTypes.Services, NewService(ns, "db", "None"));

        Assert.Equal("None", created.Spec.ClusterIP);
        Assert.Equal(["None"], created.Spec.ClusterIPs!);
    }

    [Fact]
    public async Task Delete_Service_FreesItsIpForTheNextCreate()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await _client.CreateAsync(ResourceTypes.Services, NewService(ns, "first", "10.43.0.11"));

        await _client.DeleteAsync(ResourceTypes.Services, ns, "first");
        var second = await _client.CreateAsync(ResourceTypes.Services, NewService(ns, "second", "10.43.0.11"));

        Assert.Equal("10.43.0.11", second.Spec.ClusterIP);
    }

    [Fact]
    public async Task Update_ManifestWithoutIp_KeepsTheAllocatedIpAndNodePort()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var created = await _client.CreateAsync(ResourceTypes.Services, NewService(ns, "np", type: "NodePort"));

        // A replayed manifest (apply, replace) names neither; the server keeps both.
        var replayed = NewService(ns, "np", type: "NodePort") with { Metadata = created.Metadata };
        var updated = await _client.UpdateAsync(ResourceTypes.Services, replayed);

        Assert.Equal(created.Spec.ClusterIP, updated.Spec.ClusterIP);
        Assert.Equal(created.Spec.Ports![0].NodePort, updated.Spec.Ports![0].NodePort);
        Assert.Equal(created.Metadata.ResourceVersion, updated.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Update_ChangedClusterIp_422Immutable()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var created = await _client.CreateAsync(ResourceTypes.Services, NewService(ns, "fixed", "10.43.0.12"));

        var e = await Assert.ThrowsAsync<ApiClientException>(() => _client.UpdateAsync(ResourceTypes.Services, created with { Spec = created.Spec with { ClusterIP = "10.43.0.13", ClusterIPs = ["10.43.0.13"] } }));

        Assert.Equal(422, e.Code);
        Assert.Contains("immutable", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_NodePort_AllocatedInRange_RequestedOneTakenOnlyOnce()
    {
        var ns = await TestNamespaces.CreateAsync(_client);

        var dynamic = await _client.CreateAsync(ResourceTypes.Services, NewService(ns, "dyn", type: "NodePort"));
        var requested = await _client.CreateAsync(ResourceTypes.Services, NewService(ns, "req", type: "NodePort", nodePort: 30080));
        var taken = await Assert.ThrowsAsync<ApiClientException>(() => _client.CreateAsync(ResourceTypes.Services, NewService(ns, "again", type: "NodePort", nodePort: 30080)));
        var outside = await Assert.ThrowsAsync<ApiClientException>(() => _client.CreateAsync(ResourceTypes.Services, NewService(ns, "outside", type: "NodePort", nodePort: 8080)));

        Assert.InRange(dynamic.Spec.Ports![0].NodePort!.Value, 30000, 32767);
        Assert.Equal(30080, requested.Spec.Ports![0].NodePort);
        Assert.Equal((422, "spec.ports[0].nodePort"), (taken.Code, Assert.Single(taken.Status.Details!.Causes!).Field));
        Assert.Contains("already allocated", taken.Message, StringComparison.Ordinal);
        Assert.Equal((422, "spec.ports[0].nodePort"), (outside.Code, Assert.Single(outside.Status.Details!.Causes!).Field));
        Assert.Contains("30000-32767", outside.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_NodePortToClusterIp_FreesTheNodePort()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var created = await _client.CreateAsync(ResourceTypes.Services, NewService(ns, "was-np", type: "NodePort", nodePort: 30081));

        var updated = await _client.UpdateAsync(ResourceTypes.Services, created with { Spec = created.Spec with { Type = "ClusterIP" } });
        var reused = await _client.CreateAsync(ResourceTypes.Services, NewService(ns, "now-np", type: "NodePort", nodePort: 30081));

        Assert.Null(updated.Spec.Ports![0].NodePort);
        Assert.Equal(created.Spec.ClusterIP, updated.Spec.ClusterIP);
        Assert.Equal(30081, reused.Spec.Ports![0].NodePort);
    }

    [Fact]
    public async Task Update_ClusterIpToExternalName_FreesTheIp()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var created = await _client.CreateAsync(ResourceTypes.Services, NewService(ns, "alias", "10.43.0.14"));

        await _client.UpdateAsync(ResourceTypes.Services, created with { Spec = created.Spec with { Type = "ExternalName", ExternalName = "db.example.org", ClusterIP = null, ClusterIPs = null } });
        var reused = await _client.CreateAsync(ResourceTypes.Services, NewService(ns, "next", "10.43.0.14"));

        Assert.Equal("10.43.0.14", reused.Spec.ClusterIP);
    }
}
