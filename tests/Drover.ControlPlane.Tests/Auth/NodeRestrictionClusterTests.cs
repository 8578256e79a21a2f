using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Auth.Tests;

/// <summary>
/// NodeRestriction on the matrix's cluster, with the credentials the agents joined with: the findings of issue 12
/// refused, and what the real agents write (registration, status, lease, pod status, events) never refused.
/// Whatever a test changes on a Node it puts back, for the matrix that shares the cluster.
/// </summary>
[Collection(AuthorizationMatrixCollection.Name)]
[Trait("Category", "Process")]
public sealed class NodeRestrictionClusterTests(AuthorizationMatrixFixture fixture)
{
    private DroverClient NodeClient(string node) =>
        new(ClientSettings.Load(Path.Combine(fixture.Cluster.Nodes.Single(n => n.Name == node).AgentDataDirectory, "credentials", "node.config")));

    [Theory]
    [InlineData("node-role.kubernetes.io/worker")]
    [InlineData("node-restriction.kubernetes.io/pci")]
    public async Task AgentCredential_AddsRestrictedLabel_403(string label)
    {
        using var node = NodeClient(fixture.NodeA);

        var e = await NodeClients.ForbiddenAsync(() => NodeClients.ChangeNodeAsync(node, fixture.NodeA, n => n with { Metadata = n.Metadata with { Labels = new(n.Metadata.Labels ?? []) { [label] = "true" } } }));

        Assert.Contains(label, e.Message, StringComparison.Ordinal);
        using var admin = fixture.Cluster.Client();
        Assert.False((await admin.GetAsync(ResourceTypes.Nodes, null, fixture.NodeA)).Metadata.Labels!.ContainsKey(label));
    }

    [Fact]
    public async Task AgentCredential_AddsOrRemovesTaint_403()
    {
        using var node = NodeClient(fixture.NodeB);
        using var admin = fixture.Cluster.Client();
        var operators = new Taint { Key = "drover.io/matrix", Value = "ops", Effect = "PreferNoSchedule" };

        await NodeClients.ForbiddenAsync(() => NodeClients.ChangeNodeAsync(node, fixture.NodeB, n => n with { Spec = n.Spec with { Taints = [.. n.Spec.Taints ?? [], operators] } }));
        await NodeClients.ChangeNodeAsync(admin, fixture.NodeB, n => n with { Spec = n.Spec with { Taints = [.. n.Spec.Taints ?? [], operators] } });
        try
        {
            var e = await NodeClients.ForbiddenAsync(() => NodeClients.ChangeNodeAsync(node, fixture.NodeB, n => n with { Spec = n.Spec with { Taints = [.. (n.Spec.Taints ?? []).Where(t => t.Key != operators.Key)] } }));
            Assert.Contains("may not modify its taints", e.Message, StringComparison.Ordinal);
            await NodeClients.ForbiddenAsync(() => node.PatchAsync(ResourceTypes.Nodes, null, fixture.NodeB, """{"spec":{"taints":null}}"""));
            Assert.Contains((await admin.GetAsync(ResourceTypes.Nodes, null, fixture.NodeB)).Spec.Taints!, t => t.Key == operators.Key);
        }
        finally
        {
            await NodeClients.ChangeNodeAsync(admin, fixture.NodeB, n => n with { Spec = n.Spec with { Taints = [.. (n.Spec.Taints ?? []).Where(t => t.Key != operators.Key)] } });
        }
    }

    [Fact]
    public async Task AgentCredential_ShutdownCordonThenUncordon_AllowedOperatorsCordonStays()
    {
        using var node = NodeClient(fixture.NodeA);
        using var admin = fixture.Cluster.Client();
        const string Mark = NodeRestriction.CordonAnnotation;

        // What the agent's NodeCordon writes when logind announces a shutdown, and when it is cancelled.
        var cordoned = await NodeClients.ChangeNodeAsync(node, fixture.NodeA, n => n with
        {
            Metadata = n.Metadata with { Annotations = new(n.Metadata.Annotations ?? []) { [Mark] = NodeRestriction.CordonShutdown } },
            Spec = n.Spec with { Unschedulable = true },
        });
        Assert.True(cordoned.Spec.Unschedulable);
        var lifted = await NodeClients.ChangeNodeAsync(node, fixture.NodeA, n => n with
        {
            Metadata = n.Metadata with { Annotations = new((n.Metadata.Annotations ?? []).Where(a => a.Key != Mark).ToDictionary()) },
            Spec = n.Spec with { Unschedulable = null },
        });
        Assert.NotEqual(true, lifted.Spec.Unschedulable);

        await admin.PatchAsync(ResourceTypes.Nodes, null, fixture.NodeA, """{"spec":{"unschedulable":true}}""");
        try
        {
            await NodeClients.ForbiddenAsync(() => node.PatchAsync(ResourceTypes.Nodes, null, fixture.NodeA, """{"spec":{"unschedulable":false}}"""));
            Assert.True((await admin.GetAsync(ResourceTypes.Nodes, null, fixture.NodeA)).Spec.Unschedulable);
        }
        finally
        {
            await admin.PatchAsync(ResourceTypes.Nodes, null, fixture.NodeA, """{"spec":{"unschedulable":null}}""");
        }
    }

    [Fact]
    public async Task AgentCredential_ReadsSecretItsPodReferences_NotAnotherNodesNorCredentials()
    {
        using var node = NodeClient(fixture.NodeA);

        var pull = await node.GetAsync(ResourceTypes.Secrets, MatrixObjects.Namespace, fixture.NodeA + "-pull");

        Assert.Equal(Encoding.ASCII.GetBytes(fixture.NodeA), pull.Data!["k"]);
        await NodeClients.ForbiddenAsync(() => node.GetAsync(ResourceTypes.Secrets, MatrixObjects.Namespace, fixture.NodeB + "-pull"));
        await NodeClients.ForbiddenAsync(() => node.GetAsync(ResourceTypes.Secrets, "kube-system", fixture.NodeB + ".node-credential"));
        await NodeClients.ForbiddenAsync(() => node.GetAsync(ResourceTypes.Secrets, "kube-system", fixture.NodeA + ".node-credential"));
    }

    [Fact]
    public async Task Agents_RegisterReportRenewAndRecord_NothingRefused()
    {
        using var admin = fixture.Cluster.Client();
        foreach (var clusterNode in fixture.Cluster.Nodes)
        {
            var node = await admin.GetAsync(ResourceTypes.Nodes, null, clusterNode.Name);
            // Registration reconciled the labels and annotations the agent owns on the Node the cluster made.
            Assert.Equal(clusterNode.Name, node.Metadata.Labels!["kubernetes.io/hostname"]);
            Assert.True(node.Metadata.Annotations?.ContainsKey("drover.io/agent-labels"), "the agent's labels annotation is missing");
            Assert.True(Drover.Testing.TestCluster.IsReady(node), $"{clusterNode.Name} is not Ready");
            var lease = await admin.GetAsync(ResourceTypes.Leases, "kube-node-lease", clusterNode.Name);
            Assert.Equal(clusterNode.Name, lease.Spec.HolderIdentity);
            var pod = await admin.GetAsync(ResourceTypes.Pods, MatrixObjects.Namespace, clusterNode.Name + "-pod");
            Assert.Equal("Running", pod.Status?.Phase);
            // The agent's events are written asynchronously (its broadcaster): wait for one rather than take the first list.
            var events = await Poll.UntilAsync(
                async () => (await admin.ListAsync(ResourceTypes.Events, MatrixObjects.Namespace, fieldSelector: "involvedObject.name=" + clusterNode.Name + "-pod")).Items.Cast<Event>().ToList(),
                list => list.Any(e => e.ReportingInstance == clusterNode.Name), $"an event {clusterNode.Name} recorded on its pod");
            Assert.Contains(events, e => e.ReportingInstance == clusterNode.Name);
            Assert.DoesNotContain("forbidden", clusterNode.Log, StringComparison.OrdinalIgnoreCase);
        }
    }
}
