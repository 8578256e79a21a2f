using System.Diagnostics;
using System.Globalization;
using System.Net;
using Drover.Agent.ClusterDns;
using Drover.Agent.Discovery;
using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.Bench.Agent;

/// <summary>
/// The cluster DNS resolver under dnsperf (bench/dns.sh): the droverd dns.sh started, given N Services, the agent's resolver code
/// (ServiceWatch + ClusterDnsServer) in this process on a loopback port, and dnsperf asking for the Services' names
/// (plus one name in ten that does not exist: NXDOMAIN) for a bounded time. Prints dnsperf's report and this process's
/// RSS before and after (the resolver's share is the growth; the driver's runtime is the base).
/// </summary>
internal static class DnsBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 3)
        {
            Console.Error.WriteLine("usage: Drover.Bench.Agent dns ADMIN_CONFIG SERVICES SECONDS (bench/dns.sh starts the droverd)");
            return 2;
        }
        var services = int.Parse(args[1], CultureInfo.InvariantCulture);
        var seconds = int.Parse(args[2], CultureInfo.InvariantCulture);
        using var client = new DroverClient(ClientSettings.Load(args[0]), TimeSpan.FromSeconds(60));
        await client.CreateAsync(ResourceTypes.Namespaces, new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = "bench" } });
        await Parallel.ForEachAsync(Enumerable.Range(0, services), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await client.CreateAsync(ResourceTypes.Services, new Service
            {
                ApiVersion = "v1",
                Kind = "Service",
                Metadata = new ObjectMeta { Name = $"svc-{i}", Namespace = "bench" },
                Spec = new ServiceSpec { Ports = [new ServicePort { Name = "http", Port = 80 }] },
            }, ct));

        using var stop = new CancellationTokenSource();
        var watch = new ServiceWatch(client, TimeProvider.System, NullLogger.Instance);
        var server = new ClusterDnsServer(watch, "cluster.local", new IPEndPoint(IPAddress.Loopback, 0), upstream: null, NullLogger.Instance);
        var loaded = new TaskCompletionSource();
        server.ZoneUpdated += names => { if (names >= services * 2) loaded.TrySetResult(); };
        var running = Task.WhenAll(watch.RunAsync(stop.Token), server.RunAsync(stop.Token));
        var endpoint = await server.Bound;
        await loaded.Task.WaitAsync(TimeSpan.FromSeconds(120));

        var queries = Path.GetTempFileName();
        var random = new Random(15);
        await File.WriteAllLinesAsync(queries, Enumerable.Range(0, 10_000).Select(i => i % 10 == 9
            ? $"missing-{i}.bench.svc.cluster.local A"
            : $"svc-{random.Next(services)}.bench.svc.cluster.local A"));
        GC.Collect();
        var before = Environment.WorkingSet;
        Console.WriteLine("### Drover's resolver (the agent's code)");
        Console.WriteLine(await DnsPerfAsync(endpoint.Port, queries, seconds));
        Console.WriteLine($"services {services}; driver+resolver RSS {before >> 20} MiB before the run, {Environment.WorkingSet >> 20} MiB after");
        await ReferenceAsync(client, queries, seconds);
        File.Delete(queries);
        await stop.CancelAsync();
        await running;
        return 0;
    }

    /// <summary>
    /// The reference in the same run (issue 15): Debian's dnsmasq answering the same records from a hosts-style
    /// configuration (each Service's name → its ClusterIP, NXDOMAIN for any other name under cluster.local), asked the
    /// same queries by the same dnsperf; its RSS after the run.
    /// </summary>
    private static async Task ReferenceAsync(DroverClient client, string queries, int seconds)
    {
        var list = await client.ListAsync(ResourceTypes.Services, "bench");
        var config = Path.GetTempFileName();
        await File.WriteAllLinesAsync(config, list.Items
            .Where(s => !string.IsNullOrEmpty(s.Spec.ClusterIP) && s.Spec.ClusterIP != "None")
            .Select(s => $"address=/{s.Metadata.Name}.bench.svc.cluster.local/{s.Spec.ClusterIP}")
            .Prepend("local=/cluster.local/"));
        var port = Ports.FreeLoopback();
        var info = new ProcessStartInfo("dnsmasq") { RedirectStandardError = true };
        foreach (var arg in new[] { "--keep-in-foreground", "--no-resolv", "--no-hosts", "--no-poll", "--bind-interfaces", "--listen-address=127.0.0.1",
            $"--port={port}", $"--conf-file={config}", "--cache-size=10000", "--pid-file=" })
            info.ArgumentList.Add(arg);
        using var dnsmasq = Process.Start(info)!;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            Console.WriteLine("### Reference: dnsmasq " + (await VersionAsync()));
            Console.WriteLine(await DnsPerfAsync(port, queries, seconds));
            var rss = File.ReadLines($"/proc/{dnsmasq.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)) ?? "VmRSS: ?";
            Console.WriteLine($"dnsmasq {rss.Replace("VmRSS:", "RSS", StringComparison.Ordinal).Trim()} after the run");
        }
        finally
        {
            dnsmasq.Kill();
            await dnsmasq.WaitForExitAsync();
            File.Delete(config);
        }
    }

    private static async Task<string> VersionAsync()
    {
        using var version = Process.Start(new ProcessStartInfo("dnsmasq", "--version") { RedirectStandardOutput = true })!;
        var first = (await version.StandardOutput.ReadToEndAsync()).Split('\n')[0];
        await version.WaitForExitAsync();
        return first;
    }

    /// <summary>
    /// dnsperf's report, and the latency percentiles it does not print, from its per-query lines (-v: "> RCODE name type
    /// seconds"). Those go to a file and are read after the run: read while it runs, they would take CPU from the
    /// resolver in this process and not from dnsmasq.
    /// </summary>
    private static async Task<string> DnsPerfAsync(int port, string queries, int seconds)
    {
        var output = Path.GetTempFileName();
        var info = new ProcessStartInfo("/bin/sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec dnsperf -s 127.0.0.1 -p \"$1\" -d \"$2\" -l \"$3\" -c 4 -q 64 -v > \"$4\"");
        foreach (var arg in new[] { "dnsperf", port.ToString(CultureInfo.InvariantCulture), queries, seconds.ToString(CultureInfo.InvariantCulture), output })
            info.ArgumentList.Add(arg);
        using (var dnsperf = Process.Start(info)!)
            await dnsperf.WaitForExitAsync();
        var report = new System.Text.StringBuilder();
        var latencies = new List<double>();
        foreach (var line in File.ReadLines(output))
        {
            if (!line.StartsWith("> ", StringComparison.Ordinal))
                report.AppendLine(line);
            else if (double.TryParse(line.AsSpan(line.LastIndexOf(' ') + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var latency))
                latencies.Add(latency * 1000);
        }
        File.Delete(output);
        latencies.Sort();
        if (latencies.Count > 0)
            report.AppendLine(CultureInfo.InvariantCulture, $"  Latency from the per-query lines (ms): p50 {latencies[latencies.Count / 2]:0.000}, p99 {latencies[(int)(latencies.Count * 0.99)]:0.000}, max {latencies[^1]:0.000} (n = {latencies.Count})");
        return report.ToString();
    }
}
