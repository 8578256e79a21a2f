using System.Globalization;

namespace Drover.Bench.HollowNodes;

/// <summary>The bench's command line: --droverd and --out are required, the rest default to issue 4's sizes.</summary>
internal sealed record HollowOptions(string Droverd, string Output)
{
    public int Nodes { get; init; } = 1_000;
    public int Deployments { get; init; } = 10;
    public int Replicas { get; init; } = 1_000;
    public int ProbeRate { get; init; } = 20;
    public int Seed { get; init; } = 1;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>0: droverd on its embedded SQLite (the default); N: on an N-member etcd cluster started on loopback.</summary>
    public int EtcdMembers { get; init; }

    public static HollowOptions? Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
            values[args[i]] = args[i + 1];
        if (args.Length % 2 != 0 || !values.TryGetValue("--droverd", out var droverd) || !values.TryGetValue("--out", out var output) || !File.Exists(droverd))
            return null;
        int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var defaults = new HollowOptions(droverd, output);
        return defaults with
        {
            Nodes = Int("--nodes", defaults.Nodes),
            Deployments = Int("--deployments", defaults.Deployments),
            Replicas = Int("--replicas", defaults.Replicas),
            ProbeRate = Int("--probe-rate", defaults.ProbeRate),
            Seed = Int("--seed", defaults.Seed),
            EtcdMembers = Int("--etcd-members", 0),
        };
    }
}
