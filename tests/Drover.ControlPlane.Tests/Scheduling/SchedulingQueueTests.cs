using Drover.Api;
using Drover.ControlPlane.Scheduling;

namespace Drover.ControlPlane.Scheduling.Tests;

public sealed class SchedulingQueueTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Pod Pod(string name, long generation = 1, string? uid = null) =>
        new() { Metadata = new ObjectMeta { Name = name, Namespace = "ns", Uid = uid ?? "uid-" + name, Generation = generation } };

    private static List<string> Drain(SchedulingQueue queue, DateTimeOffset now)
    {
        var keys = new List<string>();
        while (queue.TryPop(now, out var pod))
            keys.Add(pod.Key);
        return keys;
    }

    [Fact]
    public void TryPop_NewPods_FirstInFirstOut()
    {
        var queue = new SchedulingQueue();
        queue.AddOrUpdate("ns/b", Pod("b"), T0);
        queue.AddOrUpdate("ns/a", Pod("a"), T0);
        queue.AddOrUpdate("ns/b", Pod("b"), T0);

        Assert.Equal(["ns/b", "ns/a"], Drain(queue, T0));
    }

    [Fact]
    public void WakeUnschedulable_BeforeBackoff_WaitsForBackoff()
    {
        var queue = new SchedulingQueue();
        queue.AddOrUpdate("ns/a", Pod("a"), T0);
        Assert.True(queue.TryPop(T0, out var a));
        queue.Park(a, T0);

        queue.WakeUnschedulable(T0.AddMilliseconds(200));

        Assert.Empty(Drain(queue, T0.AddMilliseconds(500)));
        Assert.Equal(["ns/a"], Drain(queue, T0.AddSeconds(1)));
    }

    [Fact]
    public void Park_NothingChanges_StaysParkedUntilFlush()
    {
        var queue = new SchedulingQueue();
        queue.AddOrUpdate("ns/a", Pod("a"), T0);
        queue.TryPop(T0, out var a);
        queue.Park(a, T0);

        queue.FlushLongParked(T0.AddSeconds(29));
        Assert.Empty(Drain(queue, T0.AddSeconds(29)));

        queue.FlushLongParked(T0.AddSeconds(30));
        Assert.Equal(["ns/a"], Drain(queue, T0.AddSeconds(30)));
        Assert.Equal(2, a.Attempts);
    }

    [Fact]
    public void AddOrUpdate_StatusOnlyChange_StaysParked_SpecChange_Wakes()
    {
        var queue = new SchedulingQueue();
        queue.AddOrUpdate("ns/a", Pod("a"), T0);
        queue.TryPop(T0, out var a);
        queue.Park(a, T0);

        queue.AddOrUpdate("ns/a", Pod("a", generation: 1), T0.AddSeconds(5));
        Assert.Empty(Drain(queue, T0.AddSeconds(5)));

        queue.AddOrUpdate("ns/a", Pod("a", generation: 2), T0.AddSeconds(5));
        Assert.Equal(["ns/a"], Drain(queue, T0.AddSeconds(5)));
    }

    [Fact]
    public void Retry_BacksOffExponentiallyToTenSeconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), SchedulingQueue.Backoff(1));
        Assert.Equal(TimeSpan.FromSeconds(2), SchedulingQueue.Backoff(2));
        Assert.Equal(TimeSpan.FromSeconds(8), SchedulingQueue.Backoff(4));
        Assert.Equal(TimeSpan.FromSeconds(10), SchedulingQueue.Backoff(5));
        Assert.Equal(TimeSpan.FromSeconds(10), SchedulingQueue.Backoff(60));

        var queue = new SchedulingQueue();
        queue.AddOrUpdate("ns/a", Pod("a"), T0);
        queue.TryPop(T0, out var a);
        queue.Retry(a);
        Assert.Empty(Drain(queue, T0.AddMilliseconds(999)));
        Assert.True(queue.TryPop(T0.AddSeconds(1), out var again));
        queue.Retry(again);
        Assert.Empty(Drain(queue, T0.AddSeconds(2.5)));
        Assert.Equal(["ns/a"], Drain(queue, T0.AddSeconds(3)));
    }

    [Fact]
    public void Remove_WhileInFlight_LaterOutcomeIgnored()
    {
        var queue = new SchedulingQueue();
        queue.AddOrUpdate("ns/a", Pod("a"), T0);
        queue.TryPop(T0, out var a);

        Assert.True(queue.Remove("ns/a"));
        queue.Retry(a);
        queue.Park(a, T0);

        Assert.Equal(0, queue.Count);
        Assert.Empty(Drain(queue, T0.AddMinutes(1)));
    }

    [Fact]
    public void AddOrUpdate_RecreatedWithNewUid_IsANewEntry()
    {
        var queue = new SchedulingQueue();
        queue.AddOrUpdate("ns/a", Pod("a", uid: "one"), T0);
        queue.TryPop(T0, out var first);
        queue.Park(first, T0);

        queue.AddOrUpdate("ns/a", Pod("a", uid: "two"), T0);

        Assert.True(queue.TryPop(T0, out var second));
        Assert.Equal("two", second.Uid);
        Assert.Equal(0, queue.UnschedulableCount);
    }

    [Fact]
    public void WakeUnschedulable_PodFreed_WakesOnlyPodsWaitingForRoom()
    {
        var queue = new SchedulingQueue();
        queue.AddOrUpdate("ns/big", Pod("big"), T0);
        queue.AddOrUpdate("ns/picky", Pod("picky"), T0);
        queue.TryPop(T0, out var big);
        queue.TryPop(T0, out var picky);
        queue.Park(big, T0, waitsForResources: true);
        queue.Park(picky, T0, waitsForResources: false);

        queue.WakeUnschedulable(T0.AddSeconds(2), resourcesOnly: true);
        Assert.Equal(["ns/big"], Drain(queue, T0.AddSeconds(2)));
        Assert.Equal(1, queue.UnschedulableCount);

        queue.WakeUnschedulable(T0.AddSeconds(2));
        Assert.Equal(["ns/picky"], Drain(queue, T0.AddSeconds(2)));
    }
}
