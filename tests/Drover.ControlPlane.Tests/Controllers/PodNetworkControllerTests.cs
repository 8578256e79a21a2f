using Drover.Api;
using Drover.Api.Client;
using Drover.Api.PodNetwork;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Controllers.Tests;

/// <summary>A droverd with --pod-network vxlan: what it publishes for the agents.</summary>
public sealed class VxlanDroverdFixture : IAsyncLifetime
{
    private DroverdProcess? _server;

    public DroverdProcess Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _server = await DroverdProcess.StartAsync(null, "--pod-network", "vxlan");

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}

/// <summary>
/// The pod network seen from droverd: the settings every agent reads, and the NetworkUnavailable condition and Event
/// on a Node the agents cannot route (bad input on one Node never takes the routes of another).
/// </summary>
[Trait("Category", "Process")]
public sealed class PodNetworkControllerTests(VxlanDroverdFixture fixture) : IClassFixture<VxlanDroverdFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly DroverClient _admin = fixture.Server.Client();

    [Fact]
    public async Task Settings_PodNetworkFlag_PublishedInConfigMap()
    {
        var map = await _admin.GetAsync(ResourceTypes.ConfigMaps, PodNetworkSettings.ConfigMapNamespace, PodNetworkSettings.ConfigMapName);

        var settings = PodNetworkSettings.FromData(map.Data);
        Assert.Equal(PodNetworkBackend.Vxlan, settings.Backend);
        Assert.Equal("10.42.0.0/16", settings.ClusterCidr.ToString());
    }

    [Fact]
    public async Task NetworkUnavailable_OverlappingPodCidrAndNoInternalIp_ConditionAndEventFirstNodeRouted()
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        var third = 100 + Random.Shared.Next(50); // third + 100 must stay a valid octet (≤ 249)
        await CreateNodeAsync($"first-{id}", $"10.42.{third}.0/24", "198.51.100.21", "0a:00:00:00:01:01");
        await CreateNodeAsync($"overlap-{id}", $"10.42.{third}.128/25", "198.51.100.22", "0a:00:00:00:01:02");
        await CreateNodeAsync($"noip-{id}", $"10.42.{third + 100}.0/24", null, "0a:00:00:00:01:03");

        var first = await ConditionAsync($"first-{id}", "False");
        Assert.Equal("PodNetworkConfigured", first.Reason);
        var overlap = await ConditionAsync($"overlap-{id}", "True");
        Assert.Equal(PodNetworkPeers.PodCidrOverlap, overlap.Reason);
        Assert.Contains($"first-{id}", overlap.Message, StringComparison.Ordinal);
        Assert.Equal(PodNetworkPeers.NoInternalIp, (await ConditionAsync($"noip-{id}", "True")).Reason);
        await Poll.UntilAsync(
            async () => (await _admin.ListAsync(ResourceTypes.Events, "default", fieldSelector: $"involvedObject.name=overlap-{id},reason={PodNetworkPeers.PodCidrOverlap}")).Items,
            events => events.Count == 1, Timeout, "a PodCIDROverlap Event on the overlapping node");
    }

    private async Task<NodeCondition> ConditionAsync(string node, string status)
    {
        var found = await Poll.UntilAsync(async () => await _admin.GetAsync(ResourceTypes.Nodes, null, node),
            n => n.Status?.Conditions?.Find(c => c.Type == "NetworkUnavailable")?.Status == status, Timeout, $"{node} NetworkUnavailable={status}");
        return found.Status!.Conditions!.Find(c => c.Type == "NetworkUnavailable")!;
    }

    /// <summary>A Node as an agent registers it (podCIDR, backend and VTEP MAC annotations) and its first status (addresses).</summary>
    private async Task CreateNodeAsync(string name, string podCidr, string? internalIp, string mac)
    {
        await _admin.CreateAsync(ResourceTypes.Nodes, new Node
        {
            ApiVersion = "v1",
            Kind = "Node",
            Metadata = new ObjectMeta
            {
                Name = name,
                Annotations = new Dictionary<string, string> { [PodNetworkAnnotations.Backend] = "vxlan", [PodNetworkAnnotations.VtepMac] = mac },
            },
            Spec = new NodeSpec { PodCIDR = podCidr },
        });
        List<NodeAddress> addresses = internalIp is null ? [new NodeAddress { Type = "Hostname", Address = name }] : [new NodeAddress { Type = "InternalIP", Address = internalIp }];
        // The controller may write its condition (an overlap is seen before any status) between the create and this.
        await ConflictRetry.RetryOnConflictAsync(async _ =>
        {
            var current = await _admin.GetAsync(ResourceTypes.Nodes, null, name);
            await _admin.UpdateAsync(ResourceTypes.Nodes, current with { Status = (current.Status ?? new NodeStatus()) with { Addresses = addresses } }, "status");
        });
    }
}
