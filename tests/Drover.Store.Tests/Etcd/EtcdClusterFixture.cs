using Drover.Store.Etcd;
using Drover.Store.Tests;
using Drover.Testing;

namespace Drover.Store.Etcd.Tests;

/// <summary>A real 3-member etcd cluster on free loopback ports for the whole collection; each test gets its own key prefix.</summary>
public sealed class EtcdClusterFixture : IAsyncLifetime
{
    public EtcdCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await EtcdCluster.StartAsync(members: 3);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    public EtcdStoreOptions Options(string? prefix = null) => new()
    {
        Endpoints = Cluster.ClientUrls,
        KeyPrefix = prefix ?? $"/test/{Guid.NewGuid():N}",
    };

    public Task<StoreUnderTest> OpenAsync() => OpenAsync(Options());

    /// <summary>A store whose watches all share one etcd watch (droverd's configuration), with the history bounds given.</summary>
    public Task<StoreUnderTest> OpenSharedWatchAsync(int historyEvents = 2_048) =>
        OpenAsync(Options() with { SharedWatchPrefix = "/", WatchHistoryEvents = historyEvents });

    /// <summary>The member that leads raft now (etcd's <c>etcd_server_is_leader</c>), or -1 while none does.</summary>
    public async Task<int> LeaderAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var member = 0; member < Cluster.Count; member++)
        {
            if (!Cluster.IsRunning(member))
                continue;
            var metrics = await http.GetStringAsync(new Uri(Cluster.ClientUrls[member], "/metrics"));
            if (metrics.Split('\n').Contains("etcd_server_is_leader 1"))
                return member;
        }
        return -1;
    }

    /// <summary>
    /// Whether <paramref name="member"/> knows of a raft leader (etcd's <c>etcd_server_has_leader</c>); a member cut off
    /// from the others keeps its old leader until its election timeout runs out, and a write to it waits meanwhile.
    /// </summary>
    public async Task<bool> HasLeaderAsync(int member)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var metrics = await http.GetStringAsync(new Uri(Cluster.ClientUrls[member], "/metrics"));
        return !metrics.Split('\n').Contains("etcd_server_has_leader 0");
    }

    /// <summary>Watchers open on every member (etcd's <c>etcd_debugging_mvcc_watcher_total</c>), summed.</summary>
    public async Task<long> EtcdWatchersAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        long total = 0;
        foreach (var url in Cluster.ClientUrls)
        {
            var metrics = await http.GetStringAsync(new Uri(url, "/metrics"));
            var line = metrics.Split('\n').Single(l => l.StartsWith("etcd_debugging_mvcc_watcher_total ", StringComparison.Ordinal));
            total += (long)double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        return total;
    }

    private static Task<StoreUnderTest> OpenAsync(EtcdStoreOptions options) =>
        StoreUnderTest.OpenAsync(async () => await EtcdStore.ConnectAsync(options));
}
