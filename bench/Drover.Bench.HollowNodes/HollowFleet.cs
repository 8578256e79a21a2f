using System.Diagnostics;
using System.Globalization;
using Drover.Api;
using Drover.Api.Client;

namespace Drover.Bench.HollowNodes;

/// <summary>
/// The hollow nodes of one run. Each joins through droverd's real join flow (the join token traded for a node
/// credential, CA pinned by the token) and then talks with that credential over its own connections, as a fleet of
/// agents would; only the pod watch is shared (<see cref="BoundPodWatch"/>).
/// </summary>
internal sealed class HollowFleet : IAsyncDisposable
{
    private readonly Dictionary<string, HollowNode> _nodes;
    private readonly CancellationTokenSource _stop;
    private readonly Task _running;

    private HollowFleet(Dictionary<string, HollowNode> nodes, FleetCounters counters, CancellationTokenSource stop, Task running)
    {
        _nodes = nodes;
        Counters = counters;
        _stop = stop;
        _running = running;
    }

    public FleetCounters Counters { get; }

    public int Count => _nodes.Count;

    public static string NodeName(int i) => string.Create(CultureInfo.InvariantCulture, $"hollow-{i:0000}");

    /// <summary>
    /// Joins and registers <paramref name="count"/> nodes, <paramref name="width"/> at a time; each is Ready when this
    /// returns. A node starts renewing its Lease as soon as it is registered, as an agent does: one that waited for
    /// the whole fleet would be marked unreachable (and tainted) meanwhile.
    /// </summary>
    public static async Task<HollowFleet> StartAsync(Uri server, string joinToken, int count, int width, int seed, Action<string> log)
    {
        var counters = new FleetCounters();
        var stop = new CancellationTokenSource();
        var nodes = new HollowNode[count];
        var running = new Task[count];
        var seeds = new Random(seed);
        var randoms = Enumerable.Range(0, count).Select(_ => new Random(seeds.Next())).ToArray();
        var registered = 0;
        long joinTicks = 0, registerTicks = 0;
        await Concurrently.RunAsync(count, width, async i =>
        {
            var name = NodeName(i);
            var started = Stopwatch.GetTimestamp();
            var settings = await NodeJoiner.JoinAsync(server, joinToken, name).ConfigureAwait(false);
            var joined = Stopwatch.GetTimestamp();
            var node = new HollowNode(name, i, new DroverClient(settings, TimeSpan.FromSeconds(60)), counters);
            await node.RegisterAsync(CancellationToken.None).ConfigureAwait(false);
            Interlocked.Add(ref joinTicks, joined - started);
            Interlocked.Add(ref registerTicks, Stopwatch.GetTimestamp() - joined);
            nodes[i] = node;
            running[i] = node.RunAsync(randoms[i], stop.Token);
            if (Interlocked.Increment(ref registered) % 100 == 0)
                log($"{registered:N0} nodes up");
        }).ConfigureAwait(false);
        log($"per node: join {Stopwatch.GetElapsedTime(0, joinTicks).TotalMilliseconds / count:0} ms, register + Ready + Lease {Stopwatch.GetElapsedTime(0, registerTicks).TotalMilliseconds / count:0} ms (wall, {width} at a time)");
        return new HollowFleet(nodes.ToDictionary(n => n.Name, StringComparer.Ordinal), counters, stop, Task.WhenAll(running));
    }

    /// <summary>Passes a bound pod to the node it is bound to; pods on other nodes are not the fleet's.</summary>
    public void Route(Pod pod)
    {
        if (pod.Spec.NodeName is { } name && _nodes.TryGetValue(name, out var node))
            node.Enqueue(pod);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        foreach (var node in _nodes.Values)
            node.Dispose();
        _stop.Dispose();
    }
}
