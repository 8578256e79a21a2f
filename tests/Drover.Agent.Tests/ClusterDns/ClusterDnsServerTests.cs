using System.Net;
using Drover.Agent.Discovery;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.Agent.ClusterDns.Tests;

/// <summary>
/// The resolver against a real droverd, asked by a real client (dig, from Debian's bind9-dnsutils) on loopback: no
/// network namespace or fixed port, so no machine-wide lock. The "upstream" is a second resolver of ours for
/// example.org on another loopback port, so forwarding is proved without a query leaving the machine.
/// </summary>
[Trait("Category", "Process")]
public sealed class ClusterDnsServerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];
    private DroverdProcess? _droverd;

    public async Task InitializeAsync() => _droverd = await DroverdProcess.StartAsync();

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
        _stop.Dispose();
        if (_droverd is not null)
            await _droverd.DisposeAsync();
    }

    [Fact]
    public async Task Dig_ServiceNames_AnsweredFromDroverd_ForwardedOthers_AndStillAnsweredWithDroverdDown()
    {
        var admin = _droverd!.Client();
        var ns = "dns-" + Guid.NewGuid().ToString("N")[..6];
        await admin.CreateAsync(ResourceTypes.Namespaces, new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = ns } });
        var web = await admin.CreateAsync(ResourceTypes.Services, new Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new ObjectMeta { Name = "web", Namespace = ns },
            Spec = new ServiceSpec { Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = new IntOrString(3000) }] },
        });
        await admin.CreateAsync(ResourceTypes.Services, new Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new ObjectMeta { Name = "db", Namespace = ns },
            Spec = new ServiceSpec { ClusterIP = "None", Ports = [new ServicePort { Name = "sql", Port = 5432 }] },
        });
        await admin.CreateAsync(ResourceTypes.EndpointSlices, new EndpointSlice
        {
            ApiVersion = "discovery.k8s.io/v1",
            Kind = "EndpointSlice",
            Metadata = new ObjectMeta { Name = "db-1", Namespace = ns, Labels = new() { ["kubernetes.io/service-name"] = "db" } },
            AddressType = "IPv4",
            Ports = [new EndpointSlicePort { Name = "sql", Port = 5432, Protocol = "TCP" }],
            Endpoints =
            [
                new SliceEndpoint { Addresses = ["10.42.9.5"], Conditions = new EndpointConditions { Ready = true } },
                new SliceEndpoint { Addresses = ["10.42.9.6"], Conditions = new EndpointConditions { Ready = false } },
            ],
        });

        var upstream = await StartAsync(admin, "example.org", upstream: null);
        var port = (await StartAsync(admin, "cluster.local", upstream)).Port;
        var fqdn = $"web.{ns}.svc.cluster.local";

        await UntilAsync(() => DigAsync(port, fqdn, "A", "+short"), output => output.Trim() == web.Spec.ClusterIP, $"{fqdn} → {web.Spec.ClusterIP}");
        Assert.Equal($"0 100 80 {fqdn}.", (await DigAsync(port, $"_http._tcp.{fqdn}", "SRV", "+short")).Trim());
        Assert.Equal("10.42.9.5", (await DigAsync(port, $"db.{ns}.svc.cluster.local", "A", "+short")).Trim());
        Assert.Contains("status: NXDOMAIN", await DigAsync(port, $"nothing.{ns}.svc.cluster.local", "A"), StringComparison.Ordinal);
        Assert.Equal("10.42.3.4", (await DigAsync(port, $"10-42-3-4.{ns}.pod.cluster.local", "A", "+short")).Trim());
        // Relayed from the upstream, which is authoritative for example.org.
        var forwarded = await DigAsync(port, "www.example.org", "A");
        Assert.Contains("status: NXDOMAIN", forwarded, StringComparison.Ordinal);
        Assert.Contains(" aa ", forwarded, StringComparison.Ordinal);

        // droverd gone: the last known records are still served.
        await _droverd.StopAsync();
        Assert.Equal(web.Spec.ClusterIP, (await DigAsync(port, fqdn, "A", "+short")).Trim());
    }

    [Fact]
    public async Task Dig_OutsideTheClusterWithoutUpstream_Refused()
    {
        var endpoint = await StartAsync(_droverd!.Client(), "cluster.local", upstream: null);

        Assert.Contains("status: REFUSED", await DigAsync(endpoint.Port, "example.com", "A"), StringComparison.Ordinal);
    }

    private async Task<IPEndPoint> StartAsync(DroverClient admin, string domain, IPEndPoint? upstream)
    {
        var watch = new ServiceWatch(admin, TimeProvider.System, NullLogger.Instance);
        var server = new ClusterDnsServer(watch, domain, new IPEndPoint(IPAddress.Loopback, 0), upstream, NullLogger.Instance);
        _running.Add(watch.RunAsync(_stop.Token));
        _running.Add(server.RunAsync(_stop.Token));
        return await server.Bound.WaitAsync(Timeout);
    }

    private static async Task<string> DigAsync(int port, string name, string type, params string[] extra)
    {
        var result = await ProcessRunner.RunAsync(ProcessRunner.Command("dig", ["@127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "+time=2", "+tries=1", name, type, .. extra]), TimeSpan.FromSeconds(20));
        Assert.True(result.ExitCode == 0, $"dig {name} {type}: {result}");
        return result.Stdout;
    }

    private static async Task UntilAsync(Func<Task<string>> read, Func<string, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = await read();
            if (condition(last))
                return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"not within {Timeout.TotalSeconds} s: {what} (last: {last})");
    }
}
