using System.Diagnostics;
using Drover.Agent.Discovery;
using Drover.Agent.ServiceProxy;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.Agent.ServiceProxy.Tests;

/// <summary>
/// The service proxy against a real droverd and real nftables, in a network namespace of the test's own (run under
/// <c>flock /tmp/drover-e2e.lock</c>): two busybox httpd "endpoints" on 10.42.7.5:3000 ("a") and 10.42.7.6:3001
/// ("b") behind the cluster IP 10.43.7.7:80; the client (curl: busybox wget crashes on this host) sends from 10.42.7.100 (in the pod network).
/// </summary>
[Trait("Category", "Process")]
public sealed class ServiceProxyKernelTests : IAsyncLifetime
{
    private const string ClusterIp = "10.43.7.7";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _netns = "drover-svcproxy-" + Guid.NewGuid().ToString("N")[..6];
    private readonly List<Process> _servers = [];
    private readonly string _root = Directory.CreateTempSubdirectory("svcproxy-").FullName;
    private DroverdProcess? _droverd;

    public async Task InitializeAsync()
    {
        await Ip("netns", "add", _netns);
        try
        {
            await SetUpNetnsAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
        _droverd = await DroverdProcess.StartAsync();
    }

    private async Task SetUpNetnsAsync()
    {
        await InNetns("ip", "link", "set", "lo", "up");
        await InNetns("ip", "link", "add", "d0", "type", "veth", "peer", "name", "d1");
        await InNetns("ip", "link", "set", "d1", "up");
        foreach (var address in new[] { "10.42.7.5/24", "10.42.7.6/24", "10.42.7.100/24" })
            await InNetns("ip", "addr", "add", address, "dev", "d0");
        await InNetns("ip", "link", "set", "d0", "up");
        await InNetns("ip", "route", "add", "10.43.0.0/16", "dev", "d0", "src", "10.42.7.100");
        foreach (var (name, port) in new[] { ("a", 3000), ("b", 3001) })
        {
            var dir = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
            await File.WriteAllTextAsync(Path.Combine(dir, "index.html"), name);
            _servers.Add(Process.Start(ProcessRunner.Command("ip", ["netns", "exec", _netns, "busybox", "httpd", "-f", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-h", dir]))!);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            server.Kill();
            await server.WaitForExitAsync();
            server.Dispose();
        }
        _nft?.Dispose();
        await ProcessRunner.RunAsync(ProcessRunner.Command("ip", ["netns", "del", _netns]), TimeSpan.FromSeconds(10));
        if (_droverd is not null)
            await _droverd.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static async Task Ip(params string[] args)
    {
        var result = await ProcessRunner.RunAsync(ProcessRunner.Command("ip", args), TimeSpan.FromSeconds(10));
        Assert.True(result.ExitCode == 0, $"ip {string.Join(' ', args)}: {result}");
    }

    private Task InNetns(params string[] args) => Ip(["netns", "exec", _netns, .. args]);

    private async Task<string?> GetAsync()
    {
        var result = await ProcessRunner.RunAsync(ProcessRunner.Command("ip", ["netns", "exec", _netns, "curl", "-s", "-m", "2", $"http://{ClusterIp}/"]), TimeSpan.FromSeconds(10));
        return result.ExitCode == 0 ? result.Stdout.Trim() : null;
    }

    /// <summary>The agent's own transport: libnftables in process, moved into the test's namespace (fails loudly when the library is missing).</summary>
    private NftClient Nft => _nft ??= NftClient.InNamespace(_netns) is { InProcess: true } client ? client : throw new InvalidOperationException("libnftables did not load (Debian package libnftables1)");

    private NftClient? _nft;

    private static EndpointSlice Slice(string ns, string name, string ip, int port, bool ready) => new()
    {
        ApiVersion = "discovery.k8s.io/v1",
        Kind = "EndpointSlice",
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = new() { [WellKnownLabels.ServiceName] = "web" } },
        AddressType = "IPv4",
        Ports = [new EndpointSlicePort { Name = "http", Port = port, Protocol = "TCP" }],
        Endpoints = [new SliceEndpoint { Addresses = [ip], Conditions = new EndpointConditions { Ready = ready, Serving = ready, Terminating = false } }],
    };

    private static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var value = await read();
            if (condition(value))
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not within {Timeout.TotalSeconds} s: {what} (last: {value})");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Proxy_ServiceThroughKernel_BalancesScalesDownSurvivesRestartAndGoesWithTheService()
    {
        var admin = _droverd!.Client();
        var ns = "svcproxy-" + Guid.NewGuid().ToString("N")[..6];
        await admin.CreateAsync(ResourceTypes.Namespaces, new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = ns } });
        await admin.CreateAsync(ResourceTypes.Services, new Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new ObjectMeta { Name = "web", Namespace = ns },
            Spec = new ServiceSpec { ClusterIP = ClusterIp, Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = new IntOrString(3000) }] },
        });
        await admin.CreateAsync(ResourceTypes.EndpointSlices, Slice(ns, "web-a", "10.42.7.5", 3000, ready: true));
        var sliceB = await admin.CreateAsync(ResourceTypes.EndpointSlices, Slice(ns, "web-b", "10.42.7.6", 3001, ready: true));

        using var firstRun = new CancellationTokenSource();
        var watch = new ServiceWatch(admin, TimeProvider.System, NullLogger.Instance);
        var proxier = new ServiceProxier(watch, Nft, "10.42.0.0/16", TimeProvider.System, NullLogger.Instance);
        var running = Task.WhenAll(watch.RunAsync(firstRun.Token), proxier.RunAsync(firstRun.Token));

        // Both endpoints answer through the cluster IP: numgen spreads new connections.
        var seen = new HashSet<string>();
        await UntilAsync(async () => { if (await GetAsync() is { } body) seen.Add(body); return seen.Count; }, n => n == 2, "both a and b answering through " + ClusterIp);

        // Scale-down: b not ready → gone from the kernel, and every request goes to a.
        await admin.UpdateAsync(ResourceTypes.EndpointSlices, Slice(ns, "web-b", "10.42.7.6", 3001, ready: false) with { Metadata = sliceB.Metadata });
        await UntilAsync(() => Nft.ListTableAsync(NftRuleset.Table, default), t => !t.Contains("10.42.7.6", StringComparison.Ordinal), "10.42.7.6 out of the table");
        for (var i = 0; i < 10; i++)
            Assert.Equal("a", await GetAsync());

        // The agent stops: the rules stay and traffic flows; a new one reconciles in place without a gap.
        await firstRun.CancelAsync();
        await running;
        var tableBefore = await Nft.ListTableAsync(NftRuleset.Table, default);
        Assert.Equal("a", await GetAsync());
        using var secondRun = new CancellationTokenSource();
        var watchAgain = new ServiceWatch(admin, TimeProvider.System, NullLogger.Instance);
        var restarted = new ServiceProxier(watchAgain, Nft, "10.42.0.0/16", TimeProvider.System, NullLogger.Instance);
        var synced = new TaskCompletionSource();
        restarted.Applied += _ => synced.TrySetResult();
        var runningAgain = Task.WhenAll(watchAgain.RunAsync(secondRun.Token), restarted.RunAsync(secondRun.Token));
        var during = new List<string?>();
        while (!synced.Task.IsCompleted && during.Count < 50)
            during.Add(await GetAsync());
        await synced.Task.WaitAsync(Timeout);
        Assert.All(during, body => Assert.Equal("a", body));
        Assert.Equal(tableBefore, await Nft.ListTableAsync(NftRuleset.Table, default));

        // Service deleted → its rules go.
        await admin.DeleteAsync(ResourceTypes.Services, ns, "web");
        await UntilAsync(() => Nft.ListTableAsync(NftRuleset.Table, default), t => !t.Contains(ClusterIp, StringComparison.Ordinal) && !t.Contains("10.42.7.5", StringComparison.Ordinal), "the service's rules gone");
        Assert.Null(await GetAsync());

        await secondRun.CancelAsync();
        await runningAgain;
        await Nft.ApplyAsync(NftRuleset.Removal(), default);
        Assert.Equal("", await Nft.ListTableAsync(NftRuleset.Table, default));
    }

    [Fact]
    public async Task NftClient_InProcessAndCommand_OneTableOneTransactionRefusedWhole()
    {
        using var command = new NftClient(["ip", "netns", "exec", _netns, "nft"]);
        Assert.False(command.InProcess);
        var desired = new Dictionary<string, ProxiedPort>(StringComparer.Ordinal)
        {
            ["ns/web:http/tcp"] = new("ns/web:http/tcp", ClusterIp, "tcp", 80, null, [new ProxyEndpoint("10.42.7.5", 3000)]),
        };
        await Nft.ApplyAsync(NftRuleset.Transaction(new Dictionary<string, ProxiedPort>(), desired, full: true, [], "10.42.0.0/16"), default);
        // What the library wrote, the nft command reads: the same kernel table, in the test's namespace (not the host's).
        var table = await command.ListTableAsync(NftRuleset.Table, default);
        Assert.Contains("10.42.7.5", table, StringComparison.Ordinal);
        Assert.Equal(table, await Nft.ListTableAsync(NftRuleset.Table, default));
        Assert.Equal(await command.ListChainsAsync(NftRuleset.Table, default), await Nft.ListChainsAsync(NftRuleset.Table, default));

        // A transaction with one bad statement changes nothing, and says why (the kernel's refusal, as nft prints it).
        var error = await Assert.ThrowsAsync<NftException>(() => Nft.ApplyAsync("add chain ip drover-proxy svc-new\nadd rule ip drover-proxy no-such-chain accept\n", default));
        Assert.Contains("No such file or directory", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("svc-new", await Nft.ListTableAsync(NftRuleset.Table, default), StringComparison.Ordinal);

        await Nft.ApplyAsync(NftRuleset.Removal(), default);
        Assert.Equal("", await command.ListTableAsync(NftRuleset.Table, default));
        Assert.Equal([], await Nft.ListChainsAsync(NftRuleset.Table, default));
    }

    [Fact]
    public async Task Proxy_SessionAffinityClientIp_OneClientKeepsItsEndpointUntilAffinityIsTurnedOff()
    {
        var admin = _droverd!.Client();
        var ns = "sticky-" + Guid.NewGuid().ToString("N")[..6];
        await admin.CreateAsync(ResourceTypes.Namespaces, new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = ns } });
        var service = (Service)await admin.CreateAsync(ResourceTypes.Services, new Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new ObjectMeta { Name = "web", Namespace = ns },
            Spec = new ServiceSpec { ClusterIP = ClusterIp, SessionAffinity = "ClientIP", Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = new IntOrString(3000) }] },
        });
        await admin.CreateAsync(ResourceTypes.EndpointSlices, Slice(ns, "web-a", "10.42.7.5", 3000, ready: true));
        await admin.CreateAsync(ResourceTypes.EndpointSlices, Slice(ns, "web-b", "10.42.7.6", 3001, ready: true));

        using var stop = new CancellationTokenSource();
        var watch = new ServiceWatch(admin, TimeProvider.System, NullLogger.Instance);
        var proxier = new ServiceProxier(watch, Nft, "10.42.0.0/16", TimeProvider.System, NullLogger.Instance);
        var running = Task.WhenAll(watch.RunAsync(stop.Token), proxier.RunAsync(stop.Token));
        try
        {
            await UntilAsync(() => Nft.ListTableAsync(NftRuleset.Table, default), t => t.Contains("10.42.7.6", StringComparison.Ordinal) && t.Contains("set aff-", StringComparison.Ordinal), "both endpoints with affinity sets in the table");

            // numgen would spread 20 new connections over both (each missed with probability 2^-20); affinity keeps one.
            var sticky = new List<string?>();
            for (var i = 0; i < 20; i++)
                sticky.Add(await GetAsync());
            Assert.True(sticky[0] is "a" or "b", $"no answer through {ClusterIp}: {string.Join(",", sticky)}");
            Assert.All(sticky, body => Assert.Equal(sticky[0], body));
            Assert.Contains("10.42.7.100", await Nft.ListTableAsync(NftRuleset.Table, default), StringComparison.Ordinal);

            // Affinity off: the sets go with the rules that used them, and the same client is balanced again.
            await admin.UpdateAsync(ResourceTypes.Services, service with { Spec = service.Spec with { SessionAffinity = "None", SessionAffinityConfig = null } });
            await UntilAsync(() => Nft.ListTableAsync(NftRuleset.Table, default), t => !t.Contains("set aff-", StringComparison.Ordinal) && !t.Contains("@aff-", StringComparison.Ordinal), "the affinity sets gone");
            var seen = new HashSet<string>();
            await UntilAsync(async () => { if (await GetAsync() is { } body) seen.Add(body); return seen.Count; }, n => n == 2, "both a and b answering again");
        }
        finally
        {
            await stop.CancelAsync();
            await running;
            await Nft.ApplyAsync(NftRuleset.Removal(), default);
        }
    }
}
