using Drover.Store.Etcd;
using static Drover.Store.Tests.StoreTestValues;
using static Drover.Store.Tests.WatchAssert;

namespace Drover.Store.Etcd.Tests;

/// <summary>Members dying under the client: reads, writes and watches move to the members left; no quorum is a clear failure.</summary>
[Trait("Category", "Process")]
[Collection(EtcdClusterCollection.Name)]
public sealed class EtcdStoreFailoverTests(EtcdClusterFixture etcd) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Whatever a test killed comes back, so the next test finds the whole cluster.</summary>
    public async Task DisposeAsync()
    {
        for (var i = 0; i < etcd.Cluster.Count; i++)
        {
            if (!etcd.Cluster.IsRunning(i))
                etcd.Cluster.RestartMember(i);
        }

        await etcd.Cluster.WaitHealthyAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Writes_MemberInUseKilled_ContinueOnTheOthersAndLoseNothingAcknowledged()
    {
        await using var store = await EtcdStore.ConnectAsync(etcd.Options());
        var acknowledged = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            acknowledged.Add((await store.CreateAsync($"/before/{i}", Bytes("x"))).Key);
        }

        // The member the client uses (the raft leader, which it prefers) goes away.
        await etcd.Cluster.KillMemberAsync(store.CurrentMember);

        var failed = 0;
        for (var i = 0; i < 30; i++)
        {
            try
            {
                acknowledged.Add((await store.CreateAsync($"/after/{i}", Bytes("x"))).Key);
            }
            catch (StoreException)
            {
                // A write in flight on the dying connection is ambiguous and reported as failed; the next go elsewhere.
                failed++;
            }
        }

        Assert.True(failed <= 2, $"{failed} of 30 writes failed after one member of three died");
        var stored = (await store.ListAsync("/")).Items.Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        Assert.All(acknowledged, key => Assert.Contains(key, stored));
    }

    [Fact]
    public async Task Writes_MajorityKilled_FailClearlyThenResumeWithNothingLost()
    {
        await using var store = await EtcdStore.ConnectAsync(etcd.Options() with { RequestTimeout = TimeSpan.FromSeconds(3) });
        var before = await store.CreateAsync("/kept", Bytes("acknowledged"));

        await etcd.Cluster.KillMemberAsync(0);
        await etcd.Cluster.KillMemberAsync(1);

        // The first write may die with the connection it was sent on (ambiguous: "may or may not have been applied");
        // from then on every member is tried and the answer is that the cluster has no quorum.
        await Assert.ThrowsAsync<StoreException>(() => store.CreateAsync("/during", Bytes("x")));
        var refused = await Assert.ThrowsAsync<StoreException>(() => store.CreateAsync("/during", Bytes("x")));
        Assert.True(refused.Message.Contains("the etcd cluster is unavailable", StringComparison.Ordinal), refused.Message + " / " + refused.InnerException?.ToString());
        Assert.Contains("A majority of its members must be up and reachable", refused.Message, StringComparison.Ordinal);

        etcd.Cluster.RestartMember(0);
        etcd.Cluster.RestartMember(1);
        await etcd.Cluster.WaitHealthyAsync(TimeSpan.FromSeconds(60));

        var after = await RetryAsync(() => store.CreateAsync("/after", Bytes("x")));
        Assert.True(after.ModRevision > before.ModRevision);
        Assert.Equal("acknowledged", Text((await store.GetAsync("/kept"))!.Value));
    }

    [Fact]
    public async Task WatchAsync_MemberInUseKilled_ResumesOnAnotherMemberWithoutGapOrRepeat()
    {
        await using var store = await EtcdStore.ConnectAsync(etcd.Options());
        var from = store.CurrentRevision;
        var watch = TakeAsync(store.WatchAsync("/w/", from), 20);
        for (var i = 0; i < 10; i++)
        {
            await store.CreateAsync($"/w/{i:D2}", Bytes("x"));
        }

        await etcd.Cluster.KillMemberAsync(store.CurrentMember);
        for (var i = 10; i < 20; i++)
        {
            await RetryAsync(() => store.CreateAsync($"/w/{i:D2}", Bytes("x")), allowExisting: true);
        }

        var events = await watch;
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"/w/{i:D2}"), events.Select(e => e.Kv.Key));
        Assert.Equal(events.Select(e => e.Kv.ModRevision).Order(), events.Select(e => e.Kv.ModRevision));
    }

    [Fact]
    public async Task ConnectAsync_PrefersTheRaftLeader_AndAnswersTheSameThroughAFollower()
    {
        var leader = await etcd.LeaderAsync();
        Assert.NotEqual(-1, leader);
        await using var store = await EtcdStore.ConnectAsync(etcd.Options());
        Assert.Equal(leader, store.CurrentMember);

        // Listed with the leader last, the client still ends on it; a write through it is read back through a follower.
        var followerFirst = etcd.Options() with { Endpoints = [.. etcd.Cluster.ClientUrls.Where((_, m) => m != leader), etcd.Cluster.ClientUrls[leader]] };
        await using var reordered = await EtcdStore.ConnectAsync(followerFirst);
        Assert.Equal(etcd.Cluster.Count - 1, reordered.CurrentMember);
        var written = await reordered.CreateAsync("/leader-preferred", Bytes("x"));
        await using var onFollower = await EtcdStore.ConnectAsync(followerFirst with { Endpoints = [etcd.Cluster.ClientUrls[(leader + 1) % etcd.Cluster.Count]] });
        Assert.Equal(written.ModRevision, (await onFollower.GetAsync("/leader-preferred"))!.ModRevision);
    }

    /// <summary>A write the test needs done: retried past the ambiguous failures of a connection that just died.</summary>
    private static async Task<KeyValue> RetryAsync(Func<Task<KeyValue>> write, bool allowExisting = false)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await write();
            }
            catch (StoreKeyExistsException e) when (allowExisting)
            {
                // An ambiguous failure that had in fact been applied.
                return new KeyValue(e.Key, ReadOnlyMemory<byte>.Empty, 0, 0);
            }
            catch (StoreException) when (attempt < 20)
            {
                await Task.Delay(250);
            }
        }
    }
}
