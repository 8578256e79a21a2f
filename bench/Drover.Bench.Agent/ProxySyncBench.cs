using System.Diagnostics;
using System.Globalization;
using Drover.Agent.ServiceProxy;
using Drover.Api;

namespace Drover.Bench.Agent;

/// <summary>
/// The service proxy's cost at scale (bench/proxy.sh): S Services × E ready endpoints built into the proxy's model
/// (<see cref="ProxyModel"/>), rendered (<see cref="NftRuleset"/>) and applied with a real <c>nft -f</c> in the network
/// namespace bench/proxy.sh made: the first full sync, then U updates that each move one endpoint of one Service (the
/// whole model rebuilt, as the proxy does on every change, and the transaction only for what changed), then the full
/// reconcile a restarted agent does over the table left in place. Prints, per phase, the time to build, render and
/// apply and the transaction's size; and checks that an update names only the changed Service's chains.
/// </summary>
internal static class ProxySyncBench
{
    private const string ClusterCidr = "10.42.0.0/16";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 4)
        {
            Console.Error.WriteLine("usage: Drover.Bench.Agent proxy-sync NETNS SERVICES ENDPOINTS UPDATES (bench/proxy.sh makes the netns)");
            return 2;
        }
        using var nft = NftClient.InNamespace(args[0]);
        if (!nft.InProcess)
            throw new InvalidOperationException("libnftables did not load (Debian package libnftables1)");
        // The same updates through an nft process each (the agent before libnftables), interleaved with the in-process
        // ones so that both see the same load: the side-by-side figure.
        using var command = new NftClient(["ip", "netns", "exec", args[0], "nft"]);
        var serviceCount = int.Parse(args[1], CultureInfo.InvariantCulture);
        var endpointCount = int.Parse(args[2], CultureInfo.InvariantCulture);
        var updates = int.Parse(args[3], CultureInfo.InvariantCulture);
        var services = Enumerable.Range(0, serviceCount).Select(Service).ToList();
        var slices = Enumerable.Range(0, serviceCount).Select(i => Slice(i, endpointCount, generation: 0)).ToList();

        var (applied, first) = await SyncAsync(nft, new Dictionary<string, ProxiedPort>(StringComparer.Ordinal), services, slices, full: true, []);
        var table = await nft.ListTableAsync(NftRuleset.Table, default);
        Console.WriteLine($"{serviceCount} Services × {endpointCount} endpoints: {applied.Count} service ports, {table.Split('\n').Length} lines in `nft list table`");
        Console.WriteLine();
        Console.WriteLine("| phase | n | build model ms (p50 / max) | render ms (p50 / max) | nft -f ms (p50 / p99 / max) | transaction bytes (p50 / max) |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        Print("first sync (full, empty table)", [first]);

        var random = new Random(15);
        var samples = new List<Sample>();
        var commandSamples = new List<Sample>();
        var foreign = 0;
        for (var u = 0; u < 2 * updates; u++)
        {
            var changed = random.Next(serviceCount);
            slices[changed] = Slice(changed, endpointCount, generation: u + 1);
            (applied, var sample) = await SyncAsync(u % 2 == 0 ? nft : command, applied, services, slices, full: false, []);
            (u % 2 == 0 ? samples : commandSamples).Add(sample);
            // Only the moved Service's chains may appear: every other service chain name in the script is a rewrite too many.
            foreach (var (key, port) in applied)
                if (key != Key(changed) && sample.Script.Contains(NftRuleset.ServiceChain(port), StringComparison.Ordinal))
                    foreign++;
        }
        Print("update: one endpoint of one Service moved (in process, libnftables)", samples);
        Print("update: the same through an `nft -f` process (before)", commandSamples);

        var chains = await nft.ListChainsAsync(NftRuleset.Table, default);
        var (_, restart) = await SyncAsync(nft, new Dictionary<string, ProxiedPort>(StringComparer.Ordinal), services, slices, full: true, chains);
        Print("agent restart (full reconcile in place)", [restart]);
        Console.WriteLine();
        Console.WriteLine($"other Services' chains named in the {2 * updates} update transactions: {foreign}");
        return foreign == 0 ? 0 : 1;
    }

    private sealed record Sample(double BuildMs, double RenderMs, double ApplyMs, int Bytes, string Script);

    private static async Task<(Dictionary<string, ProxiedPort> Applied, Sample Sample)> SyncAsync(NftClient nft, Dictionary<string, ProxiedPort> applied,
        List<Service> services, List<EndpointSlice> slices, bool full, IReadOnlyCollection<string> existing)
    {
        var started = Stopwatch.GetTimestamp();
        var desired = ProxyModel.Build(services, slices, "bench-node");
        var built = Stopwatch.GetTimestamp();
        var script = NftRuleset.Transaction(applied, desired, full, existing, ClusterCidr);
        var rendered = Stopwatch.GetTimestamp();
        if (script.Length > 0)
            await nft.ApplyAsync(script, default);
        var done = Stopwatch.GetTimestamp();
        return (desired, new Sample(Ms(started, built), Ms(built, rendered), Ms(rendered, done), script.Length, script));
    }

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    private static void Print(string phase, List<Sample> samples)
    {
        var build = Percentiles.Of([.. samples.Select(s => s.BuildMs)]);
        var render = Percentiles.Of([.. samples.Select(s => s.RenderMs)]);
        var apply = Percentiles.Of([.. samples.Select(s => s.ApplyMs)]);
        var bytes = samples.Select(s => s.Bytes).Order().ToList();
        Console.WriteLine($"| {phase} | {samples.Count} | {Percentiles.F(build.P50)} / {Percentiles.F(build.Max)} | {Percentiles.F(render.P50)} / {Percentiles.F(render.Max)} | "
            + $"{Percentiles.F(apply.P50)} / {Percentiles.F(apply.P99)} / {Percentiles.F(apply.Max)} | {bytes[(bytes.Count - 1) / 2].ToString("N0", CultureInfo.InvariantCulture)} / {bytes[^1].ToString("N0", CultureInfo.InvariantCulture)} |");
    }

    private static string Key(int i) => $"bench/svc-{i}:http/tcp";

    private static Service Service(int i) => new()
    {
        Metadata = new ObjectMeta { Name = $"svc-{i}", Namespace = "bench" },
        Spec = new ServiceSpec
        {
            Type = "ClusterIP",
            ClusterIP = $"10.43.{i / 250}.{i % 250 + 1}",
            Ports = [new ServicePort { Name = "http", Port = 80, Protocol = "TCP", TargetPort = new IntOrString(3000) }],
        },
    };

    /// <summary>Endpoints 10.42.x.y spread over the pod range; a generation moves the first endpoint to a new address.</summary>
    private static EndpointSlice Slice(int i, int endpoints, int generation) => new()
    {
        Metadata = new ObjectMeta { Name = $"svc-{i}-abc", Namespace = "bench", Labels = new() { [WellKnownLabels.ServiceName] = $"svc-{i}" } },
        AddressType = "IPv4",
        Ports = [new EndpointSlicePort { Name = "http", Port = 3000, Protocol = "TCP" }],
        Endpoints = [.. Enumerable.Range(0, endpoints).Select(e =>
        {
            var n = i * endpoints + e + (e == 0 ? generation * 7919 : 0);
            return new SliceEndpoint { Addresses = [$"10.42.{n / 250 % 256}.{n % 250 + 1}"], NodeName = "bench-node", Conditions = new EndpointConditions { Ready = true } };
        })],
    };
}
