using System.Globalization;
using System.Text;
using Drover.Api;
using Drover.Testing;

// How long a ConfigMap or Secret change takes to reach the files of a running pod's configMap/secret volume, as the
// container sees them: a pod on a one-node cluster (real containerd) reads both volumes every 20 ms with the shell's own
// `read` and prints a line when a value changes; the driver merge-patches the objects one at a time, alternating, at
// seeded random intervals of 0.5–10.5 s (so the changes fall at every phase of the pod's 10 s resync), and takes the latency as
// containerd's timestamp of that log line minus the time the patch was sent (one host, one clock). Side by side in one
// run: the agent with --config-change-detection Watch (the default: it watches the objects its pods reference) and
// with Get (a change waits for the pod's periodic sync, as every change did before the watches), one fresh cluster each,
// the same seeded schedule.
//   dotnet Drover.Bench.ConfigMaps.dll [--bin artifacts/bin] [--changes 20] [--node 54] [--seed 1] [--work DIR]
var bin = BenchArgs.Value(args, "--bin", null);
var changes = int.Parse(BenchArgs.Value(args, "--changes", "20")!, CultureInfo.InvariantCulture);
var nodeIndex = int.Parse(BenchArgs.Value(args, "--node", "54")!, CultureInfo.InvariantCulture);
var seed = int.Parse(BenchArgs.Value(args, "--seed", "1")!, CultureInfo.InvariantCulture);
var work = BenchArgs.Value(args, "--work", null);
if (changes is < 2 or > 200)
    return Fail("--changes must be between 2 and 200");

const string Ns = "default", PodName = "config-reader", Map = "bench-config", SecretName = "bench-secret";
var binaries = bin is null ? DroverBinaries.Built : DroverBinaries.Published(bin);
var results = new List<(string Mode, List<(string Line, double Ms)> Latencies)>();
foreach (var mode in new[] { "Watch", "Get" })
{
    var measured = await MeasureAsync(mode);
    if (measured is null)
        return 1;
    results.Add((mode, measured));
}

Console.WriteLine("| --config-change-detection | Object | Changes | p50 ms | p99 ms (nearest rank: the max, with these counts) | max ms | min ms |");
Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
foreach (var (mode, latencies) in results)
{
    Row(mode, "ConfigMap", latencies.Where(l => l.Line.StartsWith("cm ", StringComparison.Ordinal)).Select(l => l.Ms));
    Row(mode, "Secret", latencies.Where(l => l.Line.StartsWith("secret ", StringComparison.Ordinal)).Select(l => l.Ms));
    Row(mode, "both", latencies.Select(l => l.Ms));
}
var watchP50 = Percentile(results[0].Latencies.Select(l => l.Ms), 0.5);
var getP50 = Percentile(results[1].Latencies.Select(l => l.Ms), 0.5);
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Watch / Get, p50 of both: {watchP50 / getP50:0.000}×; p99: {Percentile(results[0].Latencies.Select(l => l.Ms), 0.99) / Percentile(results[1].Latencies.Select(l => l.Ms), 0.99):0.000}×."));
return 0;

async Task<List<(string Line, double Ms)>?> MeasureAsync(string mode)
{
    Console.Error.WriteLine($"==> {mode}: starting droverd and node-{nodeIndex} from {binaries.BinDirectory ?? "the built dlls"}");
    await using var cluster = await TestCluster.StartAsync(new TestClusterOptions
    {
        NodeIndexes = [nodeIndex],
        Binaries = binaries,
        WorkDirectory = work is null ? null : Path.Combine(work, mode.ToLowerInvariant()),
        AgentArgs = ["--config-change-detection", mode],
    });
    try
    {
        using var api = cluster.Client();
        await api.CreateAsync(ResourceTypes.ConfigMaps, new ConfigMap { Metadata = new ObjectMeta { Name = Map, Namespace = Ns }, Data = new() { ["stamp"] = "0" } });
        await api.CreateAsync(ResourceTypes.Secrets, new Secret { Metadata = new ObjectMeta { Name = SecretName, Namespace = Ns }, StringData = new() { ["stamp"] = "0" } });
        await api.CreateAsync(ResourceTypes.Pods, ReaderPod());
        await cluster.WaitForPodAsync(Ns, PodName, "app=" + PodName, p => p.Status?.Phase == "Running", TimeSpan.FromSeconds(120), "Running");
        await SeenAsync("cm 0", TimeSpan.FromSeconds(30));
        await SeenAsync("secret 0", TimeSpan.FromSeconds(30));

        var random = new Random(seed);
        var sent = new List<(string Line, DateTimeOffset At)>();
        for (var i = 1; i <= changes; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(500, 10500)));
            var secret = i % 2 == 0;
            var line = (secret ? "secret " : "cm ") + i.ToString(CultureInfo.InvariantCulture);
            var at = DateTimeOffset.UtcNow;
            if (secret)
                await api.PatchAsync(ResourceTypes.Secrets, Ns, SecretName, $"{{\"data\":{{\"stamp\":\"{Convert.ToBase64String(Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)))}\"}}}}");
            else
                await api.PatchAsync(ResourceTypes.ConfigMaps, Ns, Map, $"{{\"data\":{{\"stamp\":\"{i}\"}}}}");
            sent.Add((line, at));
            // One change at a time: the next waits until this one is in the container (or gives up after 30 s).
            await SeenAsync(line, TimeSpan.FromSeconds(30));
        }

        var seen = await LogLinesAsync();
        var latencies = sent.Select(s => (s.Line, Ms: (seen[s.Line] - s.At).TotalMilliseconds)).ToList();
        foreach (var (line, ms) in latencies)
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{mode} {line}: {ms:0} ms"));
        // Deleted through the agent (with its grace period), so that it unmounts the secret tmpfs before the cluster goes.
        await api.DeleteAsync(ResourceTypes.Pods, Ns, PodName);
        await cluster.WaitAsync(async c => await c.TryGetAsync(ResourceTypes.Pods, Ns, PodName) is null, TimeSpan.FromSeconds(60), "the reader pod gone (its volumes unmounted)");
        return latencies;

        async Task SeenAsync(string line, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!(await LogLinesAsync()).ContainsKey(line))
            {
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"\"{line}\" not in the pod's log within {timeout.TotalSeconds:0} s\n{cluster.Diagnostics()}");
                await Task.Delay(100);
            }
        }

        // "<RFC 3339 time> cm 3" → the first time each line was printed.
        async Task<Dictionary<string, DateTimeOffset>> LogLinesAsync()
        {
            var text = Encoding.UTF8.GetString(await api.GetRawAsync(Drover.Api.Client.DroverClient.PodLogPath(Ns, PodName, timestamps: true)));
            var lines = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            foreach (var raw in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var space = raw.IndexOf(' ', StringComparison.Ordinal);
                if (space > 0 && DateTimeOffset.TryParse(raw[..space], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                    lines.TryAdd(raw[(space + 1)..], at);
            }
            return lines;
        }
    }
    catch (Exception e) when (e is TimeoutException or InvalidOperationException)
    {
        _ = Fail(mode + ": " + e.Message);
        return null;
    }
}

static void Row(string mode, string what, IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {mode} | {what} | {sorted.Count} | {Percentile(sorted, 0.5):0} | {Percentile(sorted, 0.99):0} | {sorted[^1]:0} | {sorted[0]:0} |"));
}

// Nearest rank.
static double Percentile(IEnumerable<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

static Pod ReaderPod() => new()
{
    Metadata = new ObjectMeta { Name = PodName, Namespace = Ns, Labels = new() { ["app"] = PodName } },
    Spec = new PodSpec
    {
        TerminationGracePeriodSeconds = 1,
        Containers =
        [
            new Container
            {
                Name = "reader",
                Image = SeedManifests.ImageV1,
                // `read` is the shell's own: only usleep forks, 50 times a second.
                Command = ["sh", "-c", "c0=; s0=; while :; do read -r c < /config/stamp; read -r s < /secret/stamp; " +
                    "if [ \"$c\" != \"$c0\" ]; then echo \"cm $c\"; c0=$c; fi; if [ \"$s\" != \"$s0\" ]; then echo \"secret $s\"; s0=$s; fi; usleep 20000; done"],
                VolumeMounts = [new VolumeMount { Name = "config", MountPath = "/config" }, new VolumeMount { Name = "secret", MountPath = "/secret" }],
            },
        ],
        Volumes =
        [
            new Volume { Name = "config", ConfigMap = new ConfigMapVolumeSource { Name = Map } },
            new Volume { Name = "secret", Secret = new SecretVolumeSource { SecretName = SecretName } },
        ],
    },
};

static int Fail(string message)
{
    Console.Error.WriteLine("bench configmap-update: " + message);
    return 1;
}
