using System.Globalization;

namespace Drover.Bench.Ha;

/// <summary>
/// etcd's own request counters (its Prometheus /metrics on each client URL), summed over the members, read before and
/// after a paced run: how many etcd requests of each kind one create costs. Each round trip costs the co-located
/// members CPU, so this says what droverd's etcd path asks of etcd beyond the one transaction a create needs.
/// </summary>
internal sealed class EtcdMetrics
{
    /// <summary>The families read: gRPC calls and stream messages by method, MVCC operations, WAL fsyncs, raft traffic.</summary>
    private static readonly string[] Families =
    [
        "grpc_server_handled_total", "grpc_server_msg_received_total", "grpc_server_msg_sent_total",
        "etcd_debugging_mvcc_put_total", "etcd_debugging_mvcc_range_total", "etcd_debugging_mvcc_txn_total",
        "etcd_debugging_mvcc_delete_total", "etcd_debugging_mvcc_events_total",
        "etcd_disk_wal_fsync_duration_seconds_count", "etcd_disk_backend_commit_duration_seconds_count",
        "etcd_network_client_grpc_received_bytes_total", "etcd_network_client_grpc_sent_bytes_total",
        "etcd_network_peer_sent_bytes_total",
    ];

    private readonly IReadOnlyList<Uri> _members;
    private readonly Dictionary<string, double> _before;

    private EtcdMetrics(IReadOnlyList<Uri> members, Dictionary<string, double> before, int leader) => (_members, _before, Leader) = (members, before, leader);

    /// <summary>Which member led raft at the start (its index in the client URLs; -1: none said so).</summary>
    public int Leader { get; }

    public static async Task<EtcdMetrics> StartAsync(IReadOnlyList<Uri> members)
    {
        var leader = -1;
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) })
        {
            for (var m = 0; m < members.Count && leader < 0; m++)
            {
                if ((await http.GetStringAsync(new Uri(members[m], "/metrics"))).Contains("\netcd_server_is_leader 1", StringComparison.Ordinal))
                    leader = m;
            }
        }
        return new(members, await ScrapeAsync(members), leader);
    }

    /// <summary>Each series that moved, per create (summed over the members), in the families' order.</summary>
    public async Task<IReadOnlyList<(string Series, double PerCreate)>> StopAsync(int creates)
    {
        var after = await ScrapeAsync(_members);
        return [.. after
            .Select(kv => (Series: kv.Key, Delta: kv.Value - _before.GetValueOrDefault(kv.Key)))
            .Where(d => d.Delta > 0)
            .OrderBy(d => Array.FindIndex(Families, f => d.Series.StartsWith(f, StringComparison.Ordinal)))
            .ThenBy(d => d.Series, StringComparer.Ordinal)
            .Select(d => (d.Series, d.Delta / creates))];
    }

    private static async Task<Dictionary<string, double>> ScrapeAsync(IReadOnlyList<Uri> members)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            var text = await http.GetStringAsync(new Uri(member, "/metrics"));
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0 || line[0] == '#' || !Families.Any(f => line.StartsWith(f, StringComparison.Ordinal)))
                    continue;
                var space = line.LastIndexOf(' ');
                var series = Simplify(line[..space]);
                var value = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
                sums[series] = sums.GetValueOrDefault(series) + value;
            }
        }
        return sums;
    }

    /// <summary>Keeps the labels that tell requests apart (method, type), drops the ones that only repeat them.</summary>
    private static string Simplify(string series)
    {
        var brace = series.IndexOf('{');
        if (brace < 0)
            return series;
        var labels = series[(brace + 1)..^1].Split(',')
            .Where(l => l.StartsWith("grpc_method=", StringComparison.Ordinal) || l.StartsWith("grpc_code=", StringComparison.Ordinal) || l.StartsWith("type=", StringComparison.Ordinal))
            .Where(l => l != "grpc_code=\"OK\"");
        var kept = string.Join(',', labels);
        return kept.Length == 0 ? series[..brace] : $"{series[..brace]}{{{kept}}}";
    }
}
