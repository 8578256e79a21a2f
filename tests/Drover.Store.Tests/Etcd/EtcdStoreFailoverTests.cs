using Drover.Store.Etcd;
using Drover.Testing;
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

        // The member the client uses (the raft leader, which it prefers) goes away. The two left need an election
        // (etcd's election timeout, and more on a loaded machine) before they take writes again; meanwhile a write
        // either waits out its deadline on a member still forwarding to the dead leader (ambiguous: reported failed)
        // or is refused at once by members that know they have none. How many writes fall in that window is the
        // machine's timing, not the store's: each write is retried, as droverd's callers retry a 5xx, once the
        // cluster has a leader again. What must hold: every write goes through on the members left, and nothing
        // acknowledged is lost.
        var killed = store.CurrentMember;
        await etcd.Cluster.KillMemberAsync(killed);

        var failures = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var key = $"/after/{i}";
            acknowledged.Add((await RetryAsync(() => store.CreateAsync(key, Bytes("x")), allowExisting: true, failures)).Key);
        }

        Assert.NotEqual(killed, store.CurrentMember);
        Assert.All(failures, message => Assert.True(
            message.Contains("may or may not have been applied", StringComparison.Ordinal) || message.Contains("the etcd cluster is unavailable", StringComparison.Ordinal),
            message));
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
        // The member left refuses at once only when it knows it has no leader: until its election timeout runs out
        // (later on a loaded machine) it forwards the write to a dead leader and the write waits out its deadline,
        // ambiguous again. Alone it can never elect one, so once it says so it keeps saying so.
        await Poll.UntilAsync(() => AskAsync(() => etcd.HasLeaderAsync(2), true), hasLeader => !hasLeader, TimeSpan.FromSeconds(60), "the last etcd member to know it has no leader");
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
        // Raft may elect another leader while the test looks (on a loaded machine a member starved past its election
        // timeout starts an election): what the clients chose is judged against a leader that was the same before and
        // after they chose, asked again otherwise.
        for (var attempt = 0; ; attempt++)
        {
            var leader = await etcd.LeaderAsync();
            await using var store = await EtcdStore.ConnectAsync(etcd.Options());
            // Listed with the leader last, the client still ends on it; a write through it is read back through a follower.
            var followerFirst = etcd.Options() with { Endpoints = [.. etcd.Cluster.ClientUrls.Where((_, m) => m != leader), etcd.Cluster.ClientUrls[Math.Max(leader, 0)]] };
            await using var reordered = await EtcdStore.ConnectAsync(followerFirst);
            if ((leader == -1 || await etcd.LeaderAsync() != leader) && attempt < 10)
            {
                await Task.Delay(500);
                continue;
            }

            Assert.NotEqual(-1, leader);
            Assert.Equal(leader, store.CurrentMember);
            Assert.Equal(etcd.Cluster.Count - 1, reordered.CurrentMember);
            var written = await reordered.CreateAsync("/leader-preferred", Bytes("x"));
            await using var onFollower = await EtcdStore.ConnectAsync(followerFirst with { Endpoints = [etcd.Cluster.ClientUrls[(leader + 1) % etcd.Cluster.Count]] });
            Assert.Equal(written.ModRevision, (await onFollower.GetAsync("/leader-preferred"))!.ModRevision);
            return;
        }
    }

    /// <summary>
    /// A write the test needs done: retried past the ambiguous failures of a connection that just died and the refusals
    /// of members without a leader, each retry once some running member leads raft again (an election takes as long as
    /// the machine makes it). <paramref name="failures"/> collects the messages of the failed tries.
    /// </summary>
    private async Task<KeyValue> RetryAsync(Func<Task<KeyValue>> write, bool allowExisting = false, List<string>? failures = null)
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
            catch (StoreException e) when (attempt < 5)
            {
                failures?.Add(e.Message);
                await Poll.UntilAsync(() => AskAsync(etcd.LeaderAsync, -1), leader => leader != -1, TimeSpan.FromSeconds(60), "an etcd member to lead raft");
            }
        }
    }

    /// <summary>A member's /metrics, read while the machine is busy: a slow answer is asked again, not a failed test.</summary>
    private static async Task<T> AskAsync<T>(Func<Task<T>> read, T unknown)
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return unknown;
        }
    }
}
