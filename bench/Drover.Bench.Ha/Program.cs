using System.Diagnostics;
using System.Globalization;
using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

// 1. ConfigMap create latency, one request in flight, on a droverd over SQLite and on a droverd over a 3-member etcd
//    (loopback), alternated ROUNDS times. 2. Failover: 3 droverd replicas on a 3-member etcd; KILLS times, SIGKILL the
//    leader, then measure (a) until the Lease names another replica, (b) until a Deployment scaled right after the kill
//    has its pods (the new leader's controllers acting); the killed replica is started again between kills.
// Markdown to stdout.
var count = 500;
var rounds = 2;
var kills = 5;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--count": count = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--kills": kills = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}

var latency = new List<(string Store, int Round, Stats Create)>();
for (var round = 1; round <= rounds; round++)
{
    foreach (var store in new[] { "sqlite", "etcd" })
    {
        Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] round {round}: {store}");
        await using var etcd = store == "etcd" ? await EtcdCluster.StartAsync(members: 3) : null;
        string[] extra = etcd is null ? [] : ["--datastore-endpoint", string.Join(',', etcd.ClientUrls.Select(u => u.ToString().TrimEnd('/')))];
        await using var server = await DroverdProcess.StartAsync(null, extra);
        using var client = server.Client();
        for (var n = 0; n < 100; n++)
            await client.CreateAsync(ResourceTypes.ConfigMaps, Map($"warm-{n}"));
        var samples = new long[count];
        for (var n = 0; n < count; n++)
        {
            var start = Stopwatch.GetTimestamp();
            await client.CreateAsync(ResourceTypes.ConfigMaps, Map($"m-{n}"));
            samples[n] = Stopwatch.GetTimestamp() - start;
        }
        latency.Add((store, round, Stats.Of(samples)));
    }
}

Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] failover: starting 3 etcd members and 3 droverd replicas");
var failovers = new List<(double Lease, double Controllers)>();
await using (var ha = await HaCluster.StartAsync(replicas: 3))
{
    using var admin = ha.Client(TimeSpan.FromSeconds(5));
    await admin.CreateRawAsync(ResourceTypes.Deployments, "default", Encoding.UTF8.GetBytes(
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"bench","namespace":"default"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"bench"}},"template":{"metadata":{"labels":{"app":"bench"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}"""),
        "application/json");
    var replicas = 1;
    for (var k = 1; k <= kills; k++)
    {
        var leader = await Until(async () => await Leader(ha, admin) is var l and >= 0 ? l : (int?)null, TimeSpan.FromSeconds(60));
        await Until(async () => await Pods(admin) == replicas ? true : (bool?)null, TimeSpan.FromSeconds(60));
        var survivor = (leader + 1) % 3;
        using var client = new DroverClient(ha.SettingsStartingAt(survivor), TimeSpan.FromSeconds(5));
        var clock = Stopwatch.StartNew();
        ha.Replicas[leader].KillHard();
        replicas = replicas == 1 ? 2 : 1;
        await client.PatchScaleAsync(ResourceTypes.Deployments, "default", "bench", replicas);
        double? leaseAt = null;
        double? podsAt = null;
        while ((leaseAt is null || podsAt is null) && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (leaseAt is null && await Leader(ha, client) is var now and >= 0 && now != leader)
                leaseAt = clock.Elapsed.TotalSeconds;
            if (podsAt is null && await Pods(client) == replicas)
                podsAt = clock.Elapsed.TotalSeconds;
            await Task.Delay(25);
        }
        Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] kill {k}: replica {leader}; lease moved after {leaseAt:0.00} s, pods after {podsAt:0.00} s");
        failovers.Add((leaseAt ?? double.NaN, podsAt ?? double.NaN));
        await ha.Replicas[leader].StartAgainAsync();
    }
}

Console.WriteLine($"ConfigMap creates, one in flight, {count} per run after 100 warm-up; droverd (Release, JIT) on SQLite vs on 3 etcd members (loopback), alternated.");
Console.WriteLine();
Console.WriteLine("| Run | Store | Create p50 ms | Create p99 ms |");
Console.WriteLine("|---|---|---:|---:|");
foreach (var (store, round, create) in latency)
    Console.WriteLine($"| {round} | {store} | {create.P50:0.00} | {create.P99:0.00} |");
var sqlite = Stats.Of([.. latency.Where(l => l.Store == "sqlite").SelectMany(l => l.Create.Samples)]);
var etcdStats = Stats.Of([.. latency.Where(l => l.Store == "etcd").SelectMany(l => l.Create.Samples)]);
Console.WriteLine($"| all | etcd / sqlite | {etcdStats.P50 / sqlite.P50:0.00}× | {etcdStats.P99 / sqlite.P99:0.00}× |");
Console.WriteLine();
Console.WriteLine($"Failover, 3 replicas on 3 etcd members, default lease 3 s / renew 2 s / retry 0.5 s, {kills} SIGKILLs of the leader:");
Console.WriteLine();
Console.WriteLine("| | p50 s | max s |");
Console.WriteLine("|---|---:|---:|");
Console.WriteLine($"| kill → Lease held by another replica | {Median(failovers.Select(f => f.Lease))} | {failovers.Max(f => f.Lease):0.00} |");
Console.WriteLine($"| kill → Deployment scaled after the kill has its pods (new leader's controllers) | {Median(failovers.Select(f => f.Controllers))} | {failovers.Max(f => f.Controllers):0.00} |");
return 0;

static string Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted[(sorted.Length - 1) / 2].ToString("0.00", CultureInfo.InvariantCulture);
}

static ConfigMap Map(string name) => new()
{
    ApiVersion = "v1",
    Kind = "ConfigMap",
    Metadata = new ObjectMeta { Name = name, Namespace = "default" },
    Data = new() { ["k"] = new string('v', 256) },
};

static async Task<int> Leader(HaCluster ha, DroverClient client)
{
    try
    {
        return await ha.LeaderAsync(client);
    }
    catch (ApiClientException)
    {
        return -1;
    }
}

static async Task<int> Pods(DroverClient client)
{
    try
    {
        return (await client.ListAsync(ResourceTypes.Pods, "default", labelSelector: "app=bench")).Items.Count(p => p.Metadata.DeletionTimestamp is null);
    }
    catch (ApiClientException)
    {
        return -1;
    }
}

static async Task<T> Until<T>(Func<Task<T?>> probe, TimeSpan timeout) where T : struct
{
    var deadline = DateTime.UtcNow + timeout;
    while (true)
    {
        if (await probe() is { } value)
            return value;
        if (DateTime.UtcNow > deadline)
            throw new TimeoutException($"waited {timeout.TotalSeconds:0} s");
        await Task.Delay(50);
    }
}

internal sealed record Stats(long[] Samples, double P50, double P99)
{
    public static Stats Of(long[] ticks)
    {
        var sorted = (long[])ticks.Clone();
        Array.Sort(sorted);
        double At(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)] * 1000.0 / Stopwatch.Frequency;
        return new Stats(ticks, At(0.50), At(0.99));
    }
}
