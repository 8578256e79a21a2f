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

    [Fact]
    public async Task NetworkUnavailable_VtepMacClash_NewcomerConditionAndWarningEventOlderStaysRouted()
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        var third = Random.Shared.Next(25); // 0-24 and 50-74: apart from the other tests' ranges on this droverd
        var mac = $"0a:00:00:{id[..2]}:{id[2..4]}:{id[4..6]}";
        await CreateNodeAsync($"mac-first-{id}", $"10.42.{third}.0/24", "198.51.100.31", mac);
        await CreateNodeAsync($"mac-second-{id}", $"10.42.{third + 50}.0/24", "198.51.100.32", mac.ToUpperInvariant());

        Assert.Equal("PodNetworkConfigured", (await ConditionAsync($"mac-first-{id}", "False")).Reason);
        var clash = await ConditionAsync($"mac-second-{id}", "True");
        Assert.Equal(PodNetworkPeers.VtepMacClash, clash.Reason);
        Assert.Contains($"mac-first-{id}", clash.Message, StringComparison.Ordinal);
        Assert.Contains(mac, clash.Message, StringComparison.Ordinal);
        await WarningEventAsync($"mac-second-{id}", PodNetworkPeers.VtepMacClash);
    }

    [Fact]
    public async Task NetworkUnavailable_NoInternalIpThenReported_WarningEventThenRoutedWithNormalEvent()
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        var third = 25 + Random.Shared.Next(25); // 25-49: apart from the other tests' ranges on this droverd
        var name = $"late-ip-{id}";
        await CreateNodeAsync(name, $"10.42.{third}.0/24", null, $"0a:00:01:{id[..2]}:{id[2..4]}:{id[4..6]}");

        var missing = await ConditionAsync(name, "True");
        Assert.Equal(PodNetworkPeers.NoInternalIp, missing.Reason);
        Assert.Contains("no InternalIP", missing.Message, StringComparison.Ordinal);
        await WarningEventAsync(name, PodNetworkPeers.NoInternalIp);

        // The agent reports its address: the node joins the pod network, and says so.
        await ConflictRetry.RetryOnConflictAsync(async _ =>
        {
            var current = await _admin.GetAsync(ResourceTypes.Nodes, null, name);
            await _admin.UpdateAsync(ResourceTypes.Nodes, current with { Status = current.Status! with { Addresses = [new NodeAddress { Type = "InternalIP", Address = "198.51.100.41" }] } }, "status");
        });
        var routed = await ConditionAsync(name, "False");
        Assert.Contains("198.51.100.41", routed.Message, StringComparison.Ordinal);
        await Poll.UntilAsync(
            async () => (await _admin.ListAsync(ResourceTypes.Events, "default", fieldSelector: $"involvedObject.name={name},reason=PodNetworkConfigured")).Items,
            events => events.OfType<Event>().Any(e => e.Type == "Normal"), Timeout, $"a Normal PodNetworkConfigured Event on {name}");
    }

    private async Task WarningEventAsync(string node, string reason) =>
        await Poll.UntilAsync(
            async () => (await _admin.ListAsync(ResourceTypes.Events, "default", fieldSelector: $"involvedObject.name={node},reason={reason}")).Items,
            events => events.OfType<Event>().Any(e => e.Type == "Warning"), Timeout, $"a Warning {reason} Event on {node}");

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
