using System.Diagnostics;
using System.Globalization;
using Drover.Agent.Discovery;
using Drover.Agent.ServiceProxy;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.Bench.Agent;

/// <summary>
/// EndpointSlice change → in the kernel, on every "node" (bench/proxy.sh): a droverd on loopback (the built one), S
/// background Services × 10 endpoints, and one service proxy per network namespace bench/proxy.sh made (each its own
/// ServiceWatch, ServiceProxier and nft, as on a node). C times, one endpoint of one Service moves (an EndpointSlice
/// update through the API); the time from just before the write to each proxy's applied transaction is one sample per
/// node. Changes are sequential: the next one starts once every node has the last.
/// </summary>
internal static class ProxyPropagationBench
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length is not (3 or 4) || args.Length == 4 && args[3] is not ("lib" or "cli"))
        {
            Console.Error.WriteLine("usage: Drover.Bench.Agent proxy-propagation NETNS[,NETNS...] SERVICES CHANGES [lib|cli]");
            return 2;
        }
        // lib: nftables in process (the agent's default); cli: an nft process per transaction (the agent before).
        var inProcess = args.Length == 3 || args[3] == "lib";
        var namespaces = args[0].Split(',');
        var serviceCount = int.Parse(args[1], CultureInfo.InvariantCulture);
        var changes = int.Parse(args[2], CultureInfo.InvariantCulture);
        await using var droverd = await DroverdProcess.StartAsync();
        using var admin = droverd.Client();
        await admin.CreateAsync(ResourceTypes.Namespaces, new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = "bench" } });
        await Parallel.ForEachAsync(Enumerable.Range(0, serviceCount + 1), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            await admin.CreateAsync(ResourceTypes.Services, new Service
            {
                ApiVersion = "v1",
                Kind = "Service",
                Metadata = new ObjectMeta { Name = $"svc-{i}", Namespace = "bench" },
                Spec = new ServiceSpec { Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = new IntOrString(3000) }] },
            }, ct);
            await admin.CreateAsync(ResourceTypes.EndpointSlices, Slice(i, generation: 0), ct);
        });

        using var stop = new CancellationTokenSource();
        var running = new List<Task>();
        var applied = new List<(string Node, Channel Channel)>();
        // Where the time goes, per node: the change's watch event reaching the proxy, and the proxy's own sync (snapshot,
        // model, render, nft -f) once it runs.
        var delivered = new List<Channel>();
        var proxiers = new List<ServiceProxier>();
        var clients = new List<NftClient>();
        foreach (var ns in namespaces)
        {
            var watch = new ServiceWatch(admin, TimeProvider.System, NullLogger.Instance);
            var nft = inProcess ? NftClient.InNamespace(ns) : new NftClient(["ip", "netns", "exec", ns, "nft"]);
            if (inProcess && !nft.InProcess)
                throw new InvalidOperationException("libnftables did not load (Debian package libnftables1)");
            clients.Add(nft);
            var proxier = new ServiceProxier(watch, nft, "10.42.0.0/16", TimeProvider.System, NullLogger.Instance, "bench-node");
            var channel = new Channel();
            proxier.Applied += _ => channel.Signal();
            applied.Add((ns, channel));
            var delivery = new Channel();
            watch.Changed += delivery.Signal;
            delivered.Add(delivery);
            proxiers.Add(proxier);
            running.Add(watch.RunAsync(stop.Token));
            running.Add(proxier.RunAsync(stop.Token));
        }
        // Every node in sync with the S+1 Services first (the full syncs are not the figure; N first syncs of a few MB
        // each at once take minutes on a loaded 2-core machine).
        var loading = Stopwatch.GetTimestamp();
        foreach (var (_, channel) in applied)
            await channel.WaitAsync(loading, TimeSpan.FromMinutes(10));
        Console.WriteLine($"first full sync on all {namespaces.Length} nodes: {Stopwatch.GetElapsedTime(loading).TotalSeconds:0.0} s");
        await Task.Delay(TimeSpan.FromSeconds(2));

        var samples = new List<double>();
        // Per change, the last node to have it: "in the kernel on every node".
        var everyNode = new List<double>();
        var deliveries = new List<double>();
        var syncs = new List<double>();
        var slice = (EndpointSlice)await admin.GetAsync(ResourceTypes.EndpointSlices, "bench", $"svc-{serviceCount}-abc");
        for (var c = 1; c <= changes; c++)
        {
            var started = Stopwatch.GetTimestamp();
            foreach (var (_, channel) in applied)
                channel.Reset();
            foreach (var delivery in delivered)
                delivery.Reset();
            slice = (EndpointSlice)await admin.UpdateAsync(ResourceTypes.EndpointSlices, Slice(serviceCount, c) with { Metadata = slice.Metadata });
            var slowest = 0.0;
            foreach (var (_, channel) in applied)
            {
                var ms = await channel.WaitAsync(started, Bound);
                samples.Add(ms);
                slowest = Math.Max(slowest, ms);
            }
            everyNode.Add(slowest);
            foreach (var delivery in delivered)
                deliveries.Add(await delivery.WaitAsync(started, Bound));
            syncs.AddRange(proxiers.Select(p => p.LastSyncDuration.TotalMilliseconds));
        }
        await stop.CancelAsync();
        await Task.WhenAll(running);
        foreach (var client in clients)
            client.Dispose();
        var p = Percentiles.Of(samples);
        Console.WriteLine($"nftables {(inProcess ? "in process (libnftables)" : "through an nft process per transaction")}:");
        Console.WriteLine($"EndpointSlice update → applied nft transaction, {namespaces.Length} nodes × {changes} changes, {serviceCount + 1} Services × 10 endpoints in every table:");
        Console.WriteLine($"each node: p50 {Percentiles.F(p.P50)} ms, p90 {Percentiles.F(p.P90)} ms, p99 {Percentiles.F(p.P99)} ms, max {Percentiles.F(p.Max)} ms (n = {p.Count})");
        var e = Percentiles.Of(everyNode);
        Console.WriteLine($"every node (the slowest per change): p50 {Percentiles.F(e.P50)} ms, p90 {Percentiles.F(e.P90)} ms, p99 {Percentiles.F(e.P99)} ms, max {Percentiles.F(e.Max)} ms (n = {e.Count})");
        var d = Percentiles.Of(deliveries);
        Console.WriteLine($"of which the watch event reaching the proxy: p50 {Percentiles.F(d.P50)} ms, p90 {Percentiles.F(d.P90)} ms, p99 {Percentiles.F(d.P99)} ms, max {Percentiles.F(d.Max)} ms (n = {d.Count})");
        var s = Percentiles.Of(syncs);
        Console.WriteLine($"and the proxy's sync (snapshot, model, render, nft): p50 {Percentiles.F(s.P50)} ms, p90 {Percentiles.F(s.P90)} ms, p99 {Percentiles.F(s.P99)} ms, max {Percentiles.F(s.Max)} ms (n = {s.Count})");
        return 0;
    }

    private static EndpointSlice Slice(int i, int generation) => new()
    {
        ApiVersion = "discovery.k8s.io/v1",
        Kind = "EndpointSlice",
        Metadata = new ObjectMeta { Name = $"svc-{i}-abc", Namespace = "bench", Labels = new() { [WellKnownLabels.ServiceName] = $"svc-{i}" } },
        AddressType = "IPv4",
        Ports = [new EndpointSlicePort { Name = "http", Port = 3000, Protocol = "TCP" }],
        Endpoints = [.. Enumerable.Range(0, 10).Select(e =>
        {
            var n = i * 10 + e + (e == 0 ? generation * 7919 : 0);
            return new SliceEndpoint { Addresses = [$"10.42.{n / 250 % 256}.{n % 250 + 1}"], Conditions = new EndpointConditions { Ready = true } };
        })],
    };

    /// <summary>The first transaction a proxy applies after a reset; its time since the change started.</summary>
    private sealed class Channel
    {
        private TaskCompletionSource<long> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Reset() => Interlocked.Exchange(ref _next, new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));

        public void Signal() => Volatile.Read(ref _next).TrySetResult(Stopwatch.GetTimestamp());

        public async Task<double> WaitAsync(long started, TimeSpan bound)
        {
            var at = await Volatile.Read(ref _next).Task.WaitAsync(bound);
            return Stopwatch.GetElapsedTime(started, at).TotalMilliseconds;
        }
    }
}
