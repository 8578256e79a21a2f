namespace Drover.Store;

/// <summary>
/// An etcd-shaped key-value store: one global revision that every create, update and delete advances by one,
/// and a history of changes that watchers can replay from any revision not yet compacted.
/// </summary>
public interface IStore : IAsyncDisposable
{
    /// <summary>The revision of the last acknowledged write.</summary>
    long CurrentRevision { get; }

    /// <summary>History at or below this revision is gone; watches must start at or above it.</summary>
    long CompactedRevision { get; }

    Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// The key as the nearest replica holds it, without a round through the leader: it may lag the latest acknowledged
    /// write by the replication delay (etcd's serializable read). A linearizable read waits for every write already in
    /// the leader's pipeline to be applied, so under write load it queues behind them; checks that tolerate a replica's
    /// lag (as Kubernetes' admission reads its informer caches) use this. A single-copy store has no lag.
    /// </summary>
    Task<KeyValue?> GetNearestAsync(string key, CancellationToken cancellationToken = default) => GetAsync(key, cancellationToken);

    /// <summary>
    /// Keys under <paramref name="prefix"/> in key order, starting strictly after <paramref name="startAfterKey"/>
    /// (null = from the start); <paramref name="limit"/> &lt;= 0 returns all.
    /// </summary>
    Task<StoreListResult> ListAsync(string prefix, string? startAfterKey = null, int limit = 0, CancellationToken cancellationToken = default);

    Task<long> CountAsync(string prefix, CancellationToken cancellationToken = default);

    /// <exception cref="StoreKeyExistsException">The key already exists.</exception>
    /// <exception cref="StoreFencedException"><paramref name="fence"/> is set and its key moved on; nothing was written.</exception>
    Task<KeyValue> CreateAsync(string key, ReadOnlyMemory<byte> value, StoreFence? fence = null, CancellationToken cancellationToken = default);

    /// <summary><paramref name="expectedModRevision"/> 0 updates unconditionally.</summary>
    /// <exception cref="StoreConflictException">The key's mod revision differs from <paramref name="expectedModRevision"/>.</exception>
    /// <exception cref="StoreKeyNotFoundException">The key does not exist.</exception>
    /// <exception cref="StoreFencedException"><paramref name="fence"/> is set and its key moved on; nothing was written.</exception>
    Task<KeyValue> UpdateAsync(string key, ReadOnlyMemory<byte> value, long expectedModRevision, StoreFence? fence = null, CancellationToken cancellationToken = default);

    /// <summary>Returns the deleted key with its last value and the delete's revision as <see cref="KeyValue.ModRevision"/>.</summary>
    /// <exception cref="StoreConflictException">The key's mod revision differs from <paramref name="expectedModRevision"/>.</exception>
    /// <exception cref="StoreKeyNotFoundException">The key does not exist.</exception>
    /// <exception cref="StoreFencedException"><paramref name="fence"/> is set and its key moved on; nothing was written.</exception>
    Task<KeyValue> DeleteAsync(string key, long expectedModRevision = 0, StoreFence? fence = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every event with revision &gt; <paramref name="fromRevision"/> for keys under <paramref name="prefix"/>, in revision
    /// order, then live events until cancelled.
    /// </summary>
    /// <exception cref="StoreCompactedException"><paramref name="fromRevision"/> is below <see cref="CompactedRevision"/>.</exception>
    /// <exception cref="StoreWatchOverflowException">The consumer fell too far behind the writers.</exception>
    IAsyncEnumerable<StoreEvent> WatchAsync(string prefix, long fromRevision, CancellationToken cancellationToken = default);

    /// <summary>Drops history at or below <paramref name="revision"/> (which must be &lt;= <see cref="CurrentRevision"/>); current values are kept.</summary>
    Task CompactAsync(long revision, CancellationToken cancellationToken = default);
}
