using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

// Secret create and get latency, one request in flight, against the published droverd with Secrets encryption on
// (the default) and off (--secrets-encryption=false), alternated ROUNDS times so that a busy machine weighs on both
// alike. Each round is a fresh droverd with a temp data dir. Markdown to stdout.
string? bin = null;
var count = 1000;
var rounds = 2;
var size = 2048;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--bin": bin = args[i + 1]; break;
        case "--count": count = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--size": size = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}
if (bin is null)
{
    Console.Error.WriteLine("usage: Drover.Bench.Secrets --bin artifacts/bin [--count 1000] [--rounds 2] [--size 2048]");
    return 2;
}
var binaries = DroverBinaries.Published(bin);
var value = RandomNumberGenerator.GetBytes(size);
var results = new List<(string Mode, int Round, Stats Create, Stats Get)>();

for (var round = 1; round <= rounds; round++)
{
    foreach (var (mode, extra) in new[] { ("encrypted", Array.Empty<string>()), ("clear", new[] { "--secrets-encryption=false" }) })
    {
        Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] round {round}: {mode}");
        await using var server = await DroverdProcess.StartFromAsync(binaries, null, extra);
        using var client = server.Client();
        // Warm-up: the client's connection and the server's first requests, in another namespace.
        await client.CreateAsync(ResourceTypes.Namespaces, new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = "warm" } });
        for (var n = 0; n < 100; n++)
        {
            await client.CreateAsync(ResourceTypes.Secrets, Secret("warm", $"w{n}", value));
            await client.GetAsync(ResourceTypes.Secrets, "warm", $"w{n}");
        }
        var creates = new long[count];
        var gets = new long[count];
        for (var n = 0; n < count; n++)
        {
            var start = Stopwatch.GetTimestamp();
            await client.CreateAsync(ResourceTypes.Secrets, Secret("default", $"s{n}", value));
            creates[n] = Stopwatch.GetTimestamp() - start;
        }
        for (var n = 0; n < count; n++)
        {
            var start = Stopwatch.GetTimestamp();
            await client.GetAsync(ResourceTypes.Secrets, "default", $"s{n}");
            gets[n] = Stopwatch.GetTimestamp() - start;
        }
        results.Add((mode, round, Stats.Of(creates), Stats.Of(gets)));
    }
}

// The cipher alone, for scale: one seal and one open of the same payload (what droverd adds per write and per read).
var key = RandomNumberGenerator.GetBytes(32);
var nonce = new byte[12];
var cipher = new byte[size];
var tag = new byte[16];
var aad = "/registry/secrets/default/s1"u8.ToArray();
var seal = new long[10_000];
var open = new long[10_000];
for (var n = 0; n < seal.Length; n++)
{
    var start = Stopwatch.GetTimestamp();
    using (var aes = new AesGcm(key, 16))
    {
        RandomNumberGenerator.Fill(nonce);
        aes.Encrypt(nonce, value, cipher, tag, aad);
    }
    seal[n] = Stopwatch.GetTimestamp() - start;
    start = Stopwatch.GetTimestamp();
    using (var aes = new AesGcm(key, 16))
        aes.Decrypt(nonce, cipher, tag, value, aad);
    open[n] = Stopwatch.GetTimestamp() - start;
}

Console.WriteLine($"Secret of {size} random bytes (data.value), {count} creates then {count} gets per run, one request in flight, fresh droverd per run.");
Console.WriteLine();
Console.WriteLine("| Run | Mode | Create p50 ms | Create p99 ms | Get p50 ms | Get p99 ms |");
Console.WriteLine("|---|---|---:|---:|---:|---:|");
foreach (var (mode, round, create, get) in results)
    Console.WriteLine($"| {round} | {mode} | {create.P50:0.000} | {create.P99:0.000} | {get.P50:0.000} | {get.P99:0.000} |");
Stats Pool(string mode, bool create) => Stats.Of(results.Where(r => r.Mode == mode).SelectMany(r => (create ? r.Create : r.Get).Samples).ToArray());
var (ec, cc, eg, cg) = (Pool("encrypted", true), Pool("clear", true), Pool("encrypted", false), Pool("clear", false));
Console.WriteLine($"| all | encrypted / clear | {ec.P50 / cc.P50:0.00}× | {ec.P99 / cc.P99:0.00}× | {eg.P50 / cg.P50:0.00}× | {eg.P99 / cg.P99:0.00}× |");
Console.WriteLine();
Console.WriteLine($"AES-GCM alone on {size} bytes (new AesGcm per call, as droverd does), 10,000 each: seal p50 {Stats.Of(seal).P50 * 1000:0.0} µs p99 {Stats.Of(seal).P99 * 1000:0.0} µs; open p50 {Stats.Of(open).P50 * 1000:0.0} µs p99 {Stats.Of(open).P99 * 1000:0.0} µs.");
return 0;

static Secret Secret(string ns, string name, byte[] value) => new()
{
    ApiVersion = "v1",
    Kind = "Secret",
    Metadata = new ObjectMeta { Name = name, Namespace = ns },
    Data = new() { ["value"] = value },
};

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
