using CsCheck;
using static Drover.Store.Tests.StoreTestValues;

namespace Drover.Store.Tests;

/// <summary>Random operation sequences checked against a dictionary model, then replayed from the watch history.</summary>
public abstract class StoreModelTests : StoreConformanceTests
{
    private enum Kind
    {
        Create,
        Update,
        Delete,
    }

    private enum Expectation
    {
        Unconditional,
        Current,
        Stale,
    }

    private static readonly Gen<(Kind Kind, int Key, Expectation Expectation, byte Value)> Operation =
        Gen.Select(Gen.Enum<Kind>(), Gen.Int[0, 3], Gen.Enum<Expectation>(), Gen.Byte);

    [Fact]
    public async Task Operations_RandomSequence_MatchModelAndWatchReplayRebuildsState()
    {
        await Operation.Array[1, 40].SampleAsync(
            async operations =>
            {
                await using var test = await OpenAsync();
                var store = test.Store;
                var model = new Dictionary<string, KeyValue>(StringComparer.Ordinal);
                var revision = test.Base;

                foreach (var (kind, keyIndex, expectation, valueByte) in operations)
                {
                    var key = $"/m/{keyIndex}";
                    var value = new[] { valueByte };
                    model.TryGetValue(key, out var current);
                    var expected = expectation switch
                    {
                        Expectation.Current => current?.ModRevision ?? 1,
                        Expectation.Stale => (current?.ModRevision ?? 0) + 1000,
                        _ => 0,
                    };

                    switch (kind)
                    {
                        case Kind.Create when current is not null:
                            await Assert.ThrowsAsync<StoreKeyExistsException>(() => store.CreateAsync(key, value));
                            break;
                        case Kind.Create:
                            var created = await store.CreateAsync(key, value);
                            Assert.Equal(++revision, created.ModRevision);
                            Assert.Equal(revision, created.CreateRevision);
                            model[key] = created;
                            break;
                        case Kind.Update or Kind.Delete when current is null:
                            await Assert.ThrowsAsync<StoreKeyNotFoundException>(() => kind == Kind.Update
                                ? store.UpdateAsync(key, value, expected)
                                : store.DeleteAsync(key, expected));
                            break;
                        case Kind.Update or Kind.Delete when expectation == Expectation.Stale:
                            var conflict = await Assert.ThrowsAsync<StoreConflictException>(() => kind == Kind.Update
                                ? store.UpdateAsync(key, value, expected)
                                : store.DeleteAsync(key, expected));
                            Assert.Equal(current!.ModRevision, conflict.Current.ModRevision);
                            break;
                        case Kind.Update:
                            var updated = await store.UpdateAsync(key, value, expected);
                            Assert.Equal(++revision, updated.ModRevision);
                            Assert.Equal(current!.CreateRevision, updated.CreateRevision);
                            model[key] = updated;
                            break;
                        default:
                            var deleted = await store.DeleteAsync(key, expected);
                            Assert.Equal(++revision, deleted.ModRevision);
                            Assert.Equal(current!.Value.ToArray(), deleted.Value.ToArray());
                            model.Remove(key);
                            break;
                    }
                }

                Assert.Equal(revision, store.CurrentRevision);
                await AssertMatchesAsync(store, model);

                if (revision > test.Base)
                {
                    // The full history, replayed, must rebuild exactly the current state.
                    var replayed = new Dictionary<string, KeyValue>(StringComparer.Ordinal);
                    foreach (var storeEvent in await WatchAssert.TakeAsync(store.WatchAsync("/m/", test.Base), (int)(revision - test.Base)))
                    {
                        if (storeEvent.Type == StoreEventType.Put)
                        {
                            Assert.Equal(replayed.GetValueOrDefault(storeEvent.Kv.Key)?.ModRevision, storeEvent.PrevKv?.ModRevision);
                            replayed[storeEvent.Kv.Key] = storeEvent.Kv;
                        }
                        else
                        {
                            Assert.Equal(replayed[storeEvent.Kv.Key].ModRevision, storeEvent.PrevKv!.ModRevision);
                            replayed.Remove(storeEvent.Kv.Key);
                        }
                    }

                    Assert.Equal(model.Keys.Order(StringComparer.Ordinal), replayed.Keys.Order(StringComparer.Ordinal));

                    // Compaction and a restart change nothing visible.
                    await store.CompactAsync(revision);
                    await test.ReopenAsync();
                    Assert.Equal(revision, test.Store.CurrentRevision);
                    if (RemembersCompaction)
                        Assert.Equal(revision, test.Store.CompactedRevision);
                    await AssertMatchesAsync(test.Store, model);
                }
            },
            iter: 25,
            threads: 1);
    }

    private static async Task AssertMatchesAsync(IStore store, Dictionary<string, KeyValue> model)
    {
        var list = await store.ListAsync("/m/");
        Assert.Equal(model.Keys.Order(StringComparer.Ordinal), list.Items.Select(i => i.Key));
        foreach (var item in list.Items)
        {
            var expected = model[item.Key];
            Assert.Equal(expected.CreateRevision, item.CreateRevision);
            Assert.Equal(expected.ModRevision, item.ModRevision);
            Assert.Equal(expected.Value.ToArray(), item.Value.ToArray());
        }

        Assert.Equal(model.Count, await store.CountAsync("/m/"));
    }
}
