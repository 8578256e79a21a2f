using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Api.Tests;

/// <summary>Node identities: join with the cluster token, then only what a kubelet may do.</summary>
[Trait("Category", "Process")]
public sealed class NodeAuthorizationTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverdProcess _server = fixture.Server;
    private readonly DroverClient _admin = fixture.Server.Client();

    private string JoinToken => File.ReadAllText(Path.Combine(_server.DataDirectory, "credentials/join-token")).Trim();

    private async Task<(int Code, string Body)> JoinAsync(string nodeName, string token)
    {
        try
        {
            var settings = await NodeJoiner.JoinAsync(new Uri($"https://127.0.0.1:{_server.Port}"), token, nodeName);
            return (200, settings.Token);
        }
        catch (NodeJoinException e)
        {
            return (e.Message.Contains("(401)", StringComparison.Ordinal) ? 401 : e.Message.Contains("(400)", StringComparison.Ordinal) ? 400 : 0, e.Message);
        }
    }

    private async Task<DroverClient> NodeClientAsync(string nodeName)
    {
        var (code, token) = await JoinAsync(nodeName, JoinToken);
        Assert.True(code == 200, token);
        return _server.ClientWithToken(token);
    }

    private static Node NewNode(string name) => new() { ApiVersion = "v1", Kind = "Node", Metadata = new ObjectMeta { Name = name } };

    private static Pod BoundPod(string ns, string name, string node) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        Spec = new PodSpec { NodeName = node, Containers = [new Container { Name = "app", Image = "my-app:v1.0" }] },
    };

    [Fact]
    public async Task Join_RightCaWrongSecret_401()
    {
        var token = JoinToken;
        var (code, body) = await JoinAsync("edge-x", token[..token.LastIndexOf(':')] + ":wrong-secret");
        Assert.Equal(401, code);
        Assert.Contains("join token", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_TokenPinsOtherCa_AbortsBeforeSendingSecret()
    {
        var forged = "K10" + new string('a', 64) + JoinToken[(3 + 64)..];
        var e = await Assert.ThrowsAsync<NodeJoinException>(() => NodeJoiner.JoinAsync(new Uri($"https://127.0.0.1:{_server.Port}"), forged, "edge-y"));
        Assert.Contains("does not match the join token's pin", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Join_MalformedToken_ClearError()
    {
        var e = Assert.Throws<NodeJoinException>(() => NodeJoiner.PinnedCaHash("K10deadbeef::server:nope"));
        Assert.Contains("malformed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_InvalidNodeName_400NamingIt()
    {
        var (code, body) = await JoinAsync("Edge_1", JoinToken);
        Assert.Equal(400, code);
        Assert.Contains("Edge_1", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaCerts_MatchesHashInJoinToken()
    {
        using var client = _server.ClientWithToken("");
        var pem = Encoding.UTF8.GetString(await client.GetRawAsync("/cacerts"));
        using var ca = X509Certificate2.CreateFromPem(pem);
        Assert.StartsWith("K10" + Convert.ToHexStringLower(SHA256.HashData(ca.RawData)) + "::", JoinToken, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_RegistersItself_GetsDistinctPodCidrs()
    {
        using var a = await NodeClientAsync("cidr-a");
        using var b = await NodeClientAsync("cidr-b");
        var na = await a.CreateAsync(ResourceTypes.Nodes, NewNode("cidr-a"));
        var nb = await b.CreateAsync(ResourceTypes.Nodes, NewNode("cidr-b"));
        Assert.Matches("^10\\.42\\.\\d+\\.0/24$", na.Spec.PodCIDR);
        Assert.Matches("^10\\.42\\.\\d+\\.0/24$", nb.Spec.PodCIDR);
        Assert.NotEqual(na.Spec.PodCIDR, nb.Spec.PodCIDR);

        var status = na with { Status = new NodeStatus { Conditions = [new NodeCondition { Type = "Ready", Status = "True" }] } };
        var written = await a.UpdateAsync(ResourceTypes.Nodes, status, "status");
        Assert.Equal("True", written.Status!.Conditions![0].Status);
    }

    [Fact]
    public async Task Node_WritingAnotherNode_403()
    {
        using var a = await NodeClientAsync("own-a");
        await _admin.CreateAsync(ResourceTypes.Nodes, NewNode("own-b"));
        var e = await Assert.ThrowsAsync<ApiClientException>(() => a.CreateAsync(ResourceTypes.Nodes, NewNode("own-c")));
        Assert.Equal(403, e.Code);
        var other = await a.GetAsync(ResourceTypes.Nodes, null, "own-b");
        e = await Assert.ThrowsAsync<ApiClientException>(() => a.UpdateAsync(ResourceTypes.Nodes, other, "status"));
        Assert.Equal(403, e.Code);
        Assert.Contains("system:node:own-a", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_Lease_OnlyItsOwnInNodeLeaseNamespace()
    {
        using var a = await NodeClientAsync("lease-a");
        var lease = new Lease
        {
            ApiVersion = "coordination.k8s.io/v1",
            Kind = "Lease",
            Metadata = new ObjectMeta { Name = "lease-a", Namespace = "kube-node-lease" },
            Spec = new LeaseSpec { HolderIdentity = "lease-a", LeaseDurationSeconds = 40, RenewTime = DateTimeOffset.UtcNow },
        };
        var created = await a.CreateAsync(ResourceTypes.Leases, lease);
        await a.UpdateAsync(ResourceTypes.Leases, created);
        var e = await Assert.ThrowsAsync<ApiClientException>(() => a.CreateAsync(ResourceTypes.Leases, lease with { Metadata = new ObjectMeta { Name = "lease-b", Namespace = "kube-node-lease" } }));
        Assert.Equal(403, e.Code);
    }

    [Fact]
    public async Task Node_PodsBoundToIt_StatusWritableOthers403()
    {
        using var node = await NodeClientAsync("pods-a");
        var ns = await TestNamespaces.CreateAsync(_admin);
        await _admin.CreateAsync(ResourceTypes.Pods, BoundPod(ns, "mine", "pods-a"));
        await _admin.CreateAsync(ResourceTypes.Pods, BoundPod(ns, "theirs", "pods-b"));

        var mine = await node.GetAsync(ResourceTypes.Pods, ns, "mine");
        var running = await node.UpdateAsync(ResourceTypes.Pods, mine with { Status = new PodStatus { Phase = "Running" } }, "status");
        Assert.Equal("Running", running.Status!.Phase);

        var theirs = await _admin.GetAsync(ResourceTypes.Pods, ns, "theirs");
        var e = await Assert.ThrowsAsync<ApiClientException>(() => node.UpdateAsync(ResourceTypes.Pods, theirs with { Status = new PodStatus { Phase = "Running" } }, "status"));
        Assert.Equal(403, e.Code);
        Assert.Contains("not bound to node pods-a", e.Message, StringComparison.Ordinal);
        Assert.Equal(403, (await Assert.ThrowsAsync<ApiClientException>(() => node.GetAsync(ResourceTypes.Pods, ns, "theirs"))).Code);
        Assert.Equal(403, (await Assert.ThrowsAsync<ApiClientException>(() => node.DeleteAsync(ResourceTypes.Pods, ns, "theirs", gracePeriodSeconds: 0))).Code);
        Assert.Equal(403, (await Assert.ThrowsAsync<ApiClientException>(() => node.UpdateAsync(ResourceTypes.Pods, mine))).Code);

        var listed = await node.ListAsync(ResourceTypes.Pods, null, fieldSelector: "spec.nodeName=pods-a");
        Assert.Equal(["mine"], listed.Items.Select(p => p.Metadata.Name));
        Assert.Equal(403, (await Assert.ThrowsAsync<ApiClientException>(() => node.ListAsync(ResourceTypes.Pods, null))).Code);

        await node.DeleteAsync(ResourceTypes.Pods, ns, "mine", gracePeriodSeconds: 0);
        Assert.Null(await _admin.TryGetAsync(ResourceTypes.Pods, ns, "mine"));
    }

    [Fact]
    public async Task Node_EverythingElse_403()
    {
        using var node = await NodeClientAsync("else-a");
        var ns = await TestNamespaces.CreateAsync(_admin);
        Assert.Equal(403, (await Assert.ThrowsAsync<ApiClientException>(() => node.CreateRawAsync(ResourceTypes.Deployments, ns, Manifests.Utf8(Manifests.Seed("seed-deployment.yaml")), "application/yaml"))).Code);
        Assert.Equal(403, (await Assert.ThrowsAsync<ApiClientException>(() => node.ListAsync(ResourceTypes.Secrets, "kube-system"))).Code);
        Assert.Equal(403, (await Assert.ThrowsAsync<ApiClientException>(() => node.CreateAsync(ResourceTypes.Pods, BoundPod(ns, "p", "else-a")))).Code);
        Assert.Equal(403, (await Assert.ThrowsAsync<ApiClientException>(() => node.GetRawAsync("/metrics"))).Code);
        // What a node needs to read is open to it.
        await node.ListAsync(ResourceTypes.Services, null);
        await node.ListAsync(ResourceTypes.Endpoints, null);
        await node.ListAsync(ResourceTypes.Namespaces, null);
    }

    [Fact]
    public async Task Node_RejoinReplacesCredential()
    {
        using var first = await NodeClientAsync("rejoin-a");
        await first.ListAsync(ResourceTypes.Nodes, null);
        using var second = await NodeClientAsync("rejoin-a");
        await second.ListAsync(ResourceTypes.Nodes, null);
        Assert.NotEqual(first.Settings.Token, second.Settings.Token);
        Assert.Equal(401, (await Assert.ThrowsAsync<ApiClientException>(() => first.ListAsync(ResourceTypes.Nodes, null))).Code);
    }

    private async Task<DroverClient> RegisteredNodeAsync(string name)
    {
        var client = await NodeClientAsync(name);
        await client.CreateAsync(ResourceTypes.Nodes, NewNode(name) with { Metadata = new ObjectMeta { Name = name, Labels = new() { ["kubernetes.io/hostname"] = name } } });
        return client;
    }

    private static Node WithLabel(Node node, string key) =>
        node with { Metadata = node.Metadata with { Labels = new(node.Metadata.Labels ?? []) { [key] = "" } } };

    [Theory]
    [InlineData("node-role.kubernetes.io/control-plane")]
    [InlineData("node-restriction.kubernetes.io/pci")]
    public async Task Node_AddsRestrictedLabelToItself_403NamingIt(string label)
    {
        var name = "label-" + Guid.NewGuid().ToString("N")[..6];
        using (var node = await RegisteredNodeAsync(name))
        {
            var e = await NodeClients.ForbiddenAsync(() => NodeClients.ChangeNodeAsync(node, name, n => WithLabel(n, label)));
            Assert.Contains(label, e.Message, StringComparison.Ordinal);
            e = await NodeClients.ForbiddenAsync(() => node.PatchAsync(ResourceTypes.Nodes, null, name, "{\"metadata\":{\"labels\":{\"" + label + "\":\"true\"}}}"));
            Assert.Contains(label, e.Message, StringComparison.Ordinal);
            // At registration too.
            using var other = await NodeClientAsync(name + "-b");
            e = await NodeClients.ForbiddenAsync(() => other.CreateAsync(ResourceTypes.Nodes, WithLabel(NewNode(name + "-b"), label)));
            Assert.Contains(label, e.Message, StringComparison.Ordinal);
            Assert.False((await _admin.GetAsync(ResourceTypes.Nodes, null, name)).Metadata.Labels!.ContainsKey(label));
        }
    }

    [Fact]
    public async Task Node_AddsTaintToItself_403()
    {
        var name = "taint-" + Guid.NewGuid().ToString("N")[..6];
        using (var node = await RegisteredNodeAsync(name))
        {
            var e = await NodeClients.ForbiddenAsync(() => NodeClients.ChangeNodeAsync(node, name, n => n with { Spec = n.Spec with { Taints = [new Taint { Key = "dedicated", Value = "mine", Effect = "NoSchedule" }] } }));
            Assert.Contains("may not modify its taints", e.Message, StringComparison.Ordinal);
            Assert.Null((await _admin.GetAsync(ResourceTypes.Nodes, null, name)).Spec.Taints);
        }
    }

    [Fact]
    public async Task Node_ShutdownCordon_ItsOwnLiftsOperatorsStays()
    {
        var name = "cordon-" + Guid.NewGuid().ToString("N")[..6];
        using (var node = await RegisteredNodeAsync(name))
        {
            // The agent's NodeCordon: unschedulable with the shutdown mark, then both undone.
            await NodeClients.ChangeNodeAsync(node, name, n => n with
            {
                Metadata = n.Metadata with { Annotations = new() { ["drover.io/cordoned-for"] = "shutdown" } },
                Spec = n.Spec with { Unschedulable = true },
            });
            var lifted = await NodeClients.ChangeNodeAsync(node, name, n => n with { Metadata = n.Metadata with { Annotations = null }, Spec = n.Spec with { Unschedulable = null } });
            Assert.NotEqual(true, lifted.Spec.Unschedulable);

            await NodeClients.ForbiddenAsync(() => NodeClients.ChangeNodeAsync(node, name, n => n with { Spec = n.Spec with { Unschedulable = true } }));
            await _admin.PatchAsync(ResourceTypes.Nodes, null, name, """{"spec":{"unschedulable":true}}""");
            var e = await NodeClients.ForbiddenAsync(() => node.PatchAsync(ResourceTypes.Nodes, null, name, """{"spec":{"unschedulable":null}}"""));
            Assert.Contains("may only lift a cordon it set for a shutdown", e.Message, StringComparison.Ordinal);
            Assert.Equal("spec.unschedulable", Assert.Single(e.Status.Details!.Causes!).Field);
            await NodeClients.ForbiddenAsync(() => NodeClients.ChangeNodeAsync(node, name, n => n with { Metadata = n.Metadata with { Annotations = new() { ["drover.io/cordoned-for"] = "shutdown" } } }));
            Assert.True((await _admin.GetAsync(ResourceTypes.Nodes, null, name)).Spec.Unschedulable);
        }
    }

    [Fact]
    public async Task Node_SecretsAndConfigMaps_NoneWithoutAPodReferencingThem()
    {
        var name = "refs-" + Guid.NewGuid().ToString("N")[..6];
        using var node = await NodeClientAsync(name);
        using var other = await NodeClientAsync(name + "-b");
        var ns = await TestNamespaces.CreateAsync(_admin);
        await _admin.CreateAsync(ResourceTypes.Secrets, new Secret { ApiVersion = "v1", Kind = "Secret", Metadata = new ObjectMeta { Name = "unused", Namespace = ns }, Data = new() { ["k"] = [1] } });
        await _admin.CreateAsync(ResourceTypes.ConfigMaps, new ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new ObjectMeta { Name = "cfg", Namespace = ns }, Data = new() { ["k"] = "v" } });
        await _admin.CreateAsync(ResourceTypes.Pods, BoundPod(ns, "web", name));

        var e = await NodeClients.ForbiddenAsync(() => node.GetAsync(ResourceTypes.Secrets, ns, "unused"));
        Assert.Contains("no relationship found between node", e.Message, StringComparison.Ordinal);
        await NodeClients.ForbiddenAsync(() => node.ListAsync(ResourceTypes.Secrets, ns));
        await NodeClients.ForbiddenAsync(() => node.ListAsync(ResourceTypes.Secrets, ns, fieldSelector: "metadata.name=unused"));
        await NodeClients.ForbiddenAsync(() => node.GetAsync(ResourceTypes.ConfigMaps, ns, "cfg"));
        await NodeClients.ForbiddenAsync(() => node.ListAsync(ResourceTypes.ConfigMaps, null));
        // Nodes' credentials: neither another node's nor its own.
        e = await NodeClients.ForbiddenAsync(() => node.GetAsync(ResourceTypes.Secrets, "kube-system", name + "-b.node-credential"));
        Assert.Contains("system:node:" + name, e.Message, StringComparison.Ordinal);
        await NodeClients.ForbiddenAsync(() => node.GetAsync(ResourceTypes.Secrets, "kube-system", name + ".node-credential"));
        await NodeClients.ForbiddenAsync(() => other.ListAsync(ResourceTypes.Secrets, "kube-system", fieldSelector: "metadata.name=" + name + ".node-credential"));
        // Nothing to write.
        await NodeClients.ForbiddenAsync(() => node.DeleteAsync(ResourceTypes.Secrets, ns, "unused"));
    }

    [Theory]
    [InlineData("get", "", "nodes", "", true)]
    [InlineData("create", "apps", "deployments", "default", false)]
    [InlineData("create", "", "pods", "default", false)]
    [InlineData("list", "", "secrets", "default", false)]
    public async Task SelfSubjectAccessReview_Node_AnsweredByTheNodeAuthorizer(string verb, string group, string resource, string ns, bool allowed)
    {
        var node = await NodeClientAsync("ssar-" + Guid.NewGuid().ToString("N")[..6]);
        var body = $$$"""{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"namespace":"{{{ns}}}","verb":"{{{verb}}}","group":"{{{group}}}","resource":"{{{resource}}}"}},"status":{"allowed":false}}""";

        var answer = System.Text.Json.Nodes.JsonNode.Parse(await node.SendRawAsync(HttpMethod.Post, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", Manifests.Utf8(body), "application/json"))!;

        Assert.Equal("SelfSubjectAccessReview", answer["kind"]!.GetValue<string>());
        Assert.Equal(allowed, answer["status"]!["allowed"]!.GetValue<bool>());
        if (!allowed)
            Assert.Contains("forbidden", answer["status"]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelfSubjectAccessReview_UnknownFieldOrBothAttributeKinds_4xx()
    {
        var node = await NodeClientAsync("ssar-" + Guid.NewGuid().ToString("N")[..6]);
        var unknown = await Assert.ThrowsAsync<ApiClientException>(() => node.SendRawAsync(HttpMethod.Post, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            Manifests.Utf8("""{"spec":{"resourceAttributes":{"verb":"get","resource":"pods","bogus":1}}}"""), "application/json"));
        Assert.Equal(400, unknown.Code);
        Assert.Contains("bogus", unknown.Message, StringComparison.Ordinal);
        var both = await Assert.ThrowsAsync<ApiClientException>(() => node.SendRawAsync(HttpMethod.Post, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            Manifests.Utf8("""{"spec":{"resourceAttributes":{"verb":"get","resource":"pods"},"nonResourceAttributes":{"path":"/healthz","verb":"get"}}}"""), "application/json"));
        Assert.Equal(422, both.Code);
    }
}
