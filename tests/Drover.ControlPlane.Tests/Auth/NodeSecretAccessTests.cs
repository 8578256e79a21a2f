using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Auth.Tests;

/// <summary>
/// The node authorizer's graph over a real droverd: a node reads a Secret when, and only when, a pod bound to it
/// references it. The pods come from the store (<see cref="ReferencingPodsDroverdFixture"/>) because this version's
/// API refuses imagePullSecrets; the reads go through the API as any node's would.
/// </summary>
[Trait("Category", "Process")]
public sealed class NodeSecretAccessTests(ReferencingPodsDroverdFixture fixture) : IClassFixture<ReferencingPodsDroverdFixture>
{
    private const string Ns = ReferencingPodsDroverdFixture.Namespace;

    private Task<DroverClient> NodeClientAsync(string nodeName) => NodeClients.JoinAsync(fixture.Server, nodeName);

    [Fact]
    public async Task Get_SecretItsPodReferences_200()
    {
        using var node = await NodeClientAsync(ReferencingPodsDroverdFixture.NodeA);

        var secret = await node.GetAsync(ResourceTypes.Secrets, Ns, "pull-a");

        Assert.Equal("{\"auths\":{}}"u8.ToArray(), secret.Data![".dockerconfigjson"]);
        Assert.Equal(["pull-a"], (await node.ListAsync(ResourceTypes.Secrets, Ns, fieldSelector: "metadata.name=pull-a")).Items.Select(s => s.Metadata.Name));
    }

    [Fact]
    public async Task Watch_SecretItsPodReferences_StreamsItOnly()
    {
        using var node = await NodeClientAsync(ReferencingPodsDroverdFixture.NodeA);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await foreach (var ev in node.WatchAsync(ResourceTypes.Secrets, Ns, fieldSelector: "metadata.name=pull-a", ct: timeout.Token))
        {
            Assert.Equal(("ADDED", "pull-a"), (ev.Type, ev.Object?.Metadata.Name));
            break;
        }
        await NodeClients.ForbiddenAsync(() => node.WatchAsync(ResourceTypes.Secrets, Ns, fieldSelector: "metadata.name=pull-b", ct: timeout.Token).GetAsyncEnumerator(timeout.Token).MoveNextAsync().AsTask());
    }

    [Fact]
    public async Task Get_SecretAnotherNodesPodReferences_403()
    {
        using var node = await NodeClientAsync(ReferencingPodsDroverdFixture.NodeA);

        var e = await NodeClients.ForbiddenAsync(() => node.GetAsync(ResourceTypes.Secrets, Ns, "pull-b"));

        Assert.Contains("no relationship found between node \"refs-a\" and this object", e.Message, StringComparison.Ordinal);
        await NodeClients.ForbiddenAsync(() => node.ListAsync(ResourceTypes.Secrets, Ns, fieldSelector: "metadata.name=pull-b"));
    }

    [Fact]
    public async Task Read_UnreferencedOrCredentialOrAll_403()
    {
        using var node = await NodeClientAsync(ReferencingPodsDroverdFixture.NodeA);
        using var other = await NodeClientAsync(ReferencingPodsDroverdFixture.NodeB);

        await NodeClients.ForbiddenAsync(() => node.GetAsync(ResourceTypes.Secrets, Ns, "unused"));
        await NodeClients.ForbiddenAsync(() => node.ListAsync(ResourceTypes.Secrets, Ns));
        await NodeClients.ForbiddenAsync(() => node.ListAsync(ResourceTypes.Secrets, null, fieldSelector: "metadata.name=pull-a"));
        await NodeClients.ForbiddenAsync(() => node.ListAsync(ResourceTypes.Secrets, Ns, fieldSelector: "metadata.name=pull-a,metadata.name=unused"));
        await NodeClients.ForbiddenAsync(() => node.GetAsync(ResourceTypes.Secrets, "kube-system", ReferencingPodsDroverdFixture.NodeB + ".node-credential"));
        await NodeClients.ForbiddenAsync(() => node.GetAsync(ResourceTypes.Secrets, "kube-system", ReferencingPodsDroverdFixture.NodeA + ".node-credential"));
        await NodeClients.ForbiddenAsync(() => node.GetAsync(ResourceTypes.ConfigMaps, Ns, "pull-a"));
        await NodeClients.ForbiddenAsync(() => node.DeleteAsync(ResourceTypes.Secrets, Ns, "pull-a"));
        // Each node's own are its own.
        await other.GetAsync(ResourceTypes.Secrets, Ns, "pull-b");
    }
}
