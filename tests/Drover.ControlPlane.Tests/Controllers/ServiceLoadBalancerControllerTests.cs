using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Controllers.Tests;

/// <summary>
/// type: LoadBalancer as k3s's ServiceLB: status.loadBalancer.ingress lists the Ready nodes' InternalIPs; a second
/// Service asking for a port another holds stays pending until the port is free.
/// </summary>
[Trait("Category", "Process")]
public sealed class ServiceLoadBalancerControllerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private DroverdProcess? _server;
    private DroverClient? _admin;
    private DroverClient Admin => _admin!;

    public async Task InitializeAsync()
    {
        _server = await DroverdProcess.StartAsync();
        _admin = _server.Client();
    }

    public async Task DisposeAsync()
    {
        _admin?.Dispose();
        if (_server is not null)
            await _server.DisposeAsync();
    }

    [Fact]
    public async Task Ingress_ReadyNodesAddresses_ContestedPortPendingUntilFreed()
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        await ReadyNodeAsync($"lb-b-{id}", "198.51.100.32");
        await ReadyNodeAsync($"lb-a-{id}", "198.51.100.31");
        var ns = "default";
        await Admin.CreateAsync(ResourceTypes.Services, LoadBalancer($"web-{id}", ns));

        var web = await IngressAsync($"web-{id}", ips => ips.Count == 2);
        Assert.Equal(["198.51.100.31", "198.51.100.32"], web);

        // creationTimestamp has whole seconds, and a tie goes to the name ("api" < "web"): be younger by a second.
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await Admin.CreateAsync(ResourceTypes.Services, LoadBalancer($"api-{id}", ns));
        // The older Service keeps port 8081; the younger one has no ingress while it does.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Empty(await IngressAsync($"api-{id}", _ => true));

        await Admin.DeleteAsync(ResourceTypes.Services, ns, $"web-{id}");
        Assert.Equal(["198.51.100.31", "198.51.100.32"], await IngressAsync($"api-{id}", ips => ips.Count == 2));
    }

    private static Service LoadBalancer(string name, string ns) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        Spec = new ServiceSpec { Type = "LoadBalancer", Selector = new() { ["app"] = name }, Ports = [new ServicePort { Port = 8081, TargetPort = new IntOrString(3000) }] },
    };

    private async Task<List<string>> IngressAsync(string name, Func<List<string>, bool> condition)
    {
        var service = await Poll.UntilAsync(async () => (Service)await Admin.GetAsync(ResourceTypes.Services, "default", name),
            s => condition(Ips(s)), Timeout, $"{name}'s load balancer ingress");
        return Ips(service);
    }

    private static List<string> Ips(Service service) => [.. (service.Status?.LoadBalancer?.Ingress ?? []).Select(i => i.Ip ?? "")];

    private async Task ReadyNodeAsync(string name, string internalIp)
    {
        await Admin.CreateAsync(ResourceTypes.Nodes, new Node { ApiVersion = "v1", Kind = "Node", Metadata = new ObjectMeta { Name = name } });
        for (var attempt = 1; ; attempt++)
        {
            var current = (Node)await Admin.GetAsync(ResourceTypes.Nodes, null, name);
            try
            {
                await Admin.UpdateAsync(ResourceTypes.Nodes, current with
                {
                    Status = (current.Status ?? new NodeStatus()) with
                    {
                        Addresses = [new NodeAddress { Type = "InternalIP", Address = internalIp }],
                        Conditions = [new NodeCondition { Type = "Ready", Status = "True", Reason = "KubeletReady" }],
                    },
                }, "status");
                return;
            }
            catch (ApiClientException e) when (e.Code == 409 && attempt < 5)
            {
            }
        }
    }
}
