using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Auth.Tests;

/// <summary>
/// The finding of issue 12 as it happens: a node that went silent is tainted node.kubernetes.io/unreachable by
/// droverd's lifecycle controller, and must not clear that taint itself — only heartbeating again, after which
/// the controller lifts it.
/// </summary>
[Trait("Category", "Process")]
public sealed class NodeRestrictionLifecycleTests(ShortLifecycleDroverdFixture fixture) : IClassFixture<ShortLifecycleDroverdFixture>
{
    private const string Unreachable = "node.kubernetes.io/unreachable";

    [Fact]
    public async Task SilentNode_RemovesUnreachableTaint_403UntilItHeartbeatsAndDroverdLiftsIt()
    {
        var name = "silent-" + Guid.NewGuid().ToString("N")[..6];
        using var admin = fixture.Server.Client();
        using var node = await NodeClients.JoinAsync(fixture.Server, name);
        await node.CreateAsync(ResourceTypes.Nodes, new Node { ApiVersion = "v1", Kind = "Node", Metadata = new ObjectMeta { Name = name, Labels = new() { ["kubernetes.io/hostname"] = name } } });

        // No lease, no status: silent past the grace period.
        await Poll.UntilAsync(async () => await admin.GetAsync(ResourceTypes.Nodes, null, name), HasUnreachable, "the lifecycle controller's unreachable taint", TimeSpan.FromSeconds(30));

        var e = await NodeClients.ForbiddenAsync(() => NodeClients.ChangeNodeAsync(node, name, n => n with { Spec = n.Spec with { Taints = [.. (n.Spec.Taints ?? []).Where(t => t.Key != Unreachable)] } }));
        Assert.Contains(Unreachable, e.Message, StringComparison.Ordinal);
        Assert.Equal("spec.taints", Assert.Single(e.Status.Details!.Causes!).Field);
        await NodeClients.ForbiddenAsync(() => node.PatchAsync(ResourceTypes.Nodes, null, name, """{"spec":{"taints":null}}"""));
        Assert.True(HasUnreachable(await admin.GetAsync(ResourceTypes.Nodes, null, name)), "the unreachable taint is gone");

        // What an agent does instead: renew its lease (and report Ready); droverd's controller then lifts the taint.
        var lease = await node.CreateAsync(ResourceTypes.Leases, new Lease
        {
            ApiVersion = "coordination.k8s.io/v1",
            Kind = "Lease",
            Metadata = new ObjectMeta { Name = name, Namespace = "kube-node-lease" },
            Spec = new LeaseSpec { HolderIdentity = name, LeaseDurationSeconds = 40, RenewTime = DateTimeOffset.UtcNow },
        });
        await NodeClients.ChangeNodeAsync(node, name, n => n with { Status = new NodeStatus { Conditions = [new NodeCondition { Type = "Ready", Status = "True", LastHeartbeatTime = DateTimeOffset.UtcNow }] } }, "status");
        await Poll.UntilAsync(async () =>
        {
            lease = await node.UpdateAsync(ResourceTypes.Leases, lease with { Spec = lease.Spec with { RenewTime = DateTimeOffset.UtcNow } });
            return await admin.GetAsync(ResourceTypes.Nodes, null, name);
        }, n => !HasUnreachable(n), "the unreachable taint lifted once the node heartbeats", TimeSpan.FromSeconds(30));
    }

    private static bool HasUnreachable(Node node) => node.Spec.Taints?.Any(t => t.Key == Unreachable) == true;
}
