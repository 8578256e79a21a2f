using System.Runtime.CompilerServices;
using Drover.Api;
using Drover.Store;

namespace Drover.ControlPlane.Storage.Encryption;

/// <summary>
/// The store as droverd sees it with Secrets encrypted at rest: values under <c>/registry/secrets/</c> are sealed on
/// the way in and opened on the way out (gets, lists, watch events, deletes), everything else passes untouched. It sits
/// right above the key-value store, where Kubernetes puts its value transformers, so everything above — the object
/// store, the decoded-object cache, watches, informers, the API — sees plaintext objects and does not change.
/// </summary>
internal sealed class EncryptingStore : IStore
{
    private static readonly string SecretsPrefix = StoreKeys.Prefix(ResourceTypes.Secrets, null);

    private readonly IStore _inner;
    private KeyRing _ring;

    public EncryptingStore(IStore inner, KeyRing ring)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(ring);
        _inner = inner;
        _ring = ring;
    }

    /// <summary>The store underneath, values as stored (the rotation and status read it).</summary>
    public IStore Inner => _inner;

    public KeyRing Ring => Volatile.Read(ref _ring);

    public long CurrentRevision => _inner.CurrentRevision;

    public long CompactedRevision => _inner.CompactedRevision;

    public static bool IsSecret(string key) => key.StartsWith(SecretsPrefix, StringComparison.Ordinal);

    /// <summary>Whether keys under <paramref name="prefix"/> may include Secrets.</summary>
    private static bool MayHoldSecrets(string prefix) =>
        prefix.StartsWith(SecretsPrefix, StringComparison.Ordinal) || SecretsPrefix.StartsWith(prefix, StringComparison.Ordinal);

    /// <summary>
    /// Puts <paramref name="next"/> in force and returns once no write sealed under the ring it replaced can still be in
    /// flight: after that, every value written is under <paramref name="next"/>'s write key.
    /// </summary>
    public async Task SwapAsync(KeyRing next, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(next);
        var previous = Interlocked.Exchange(ref _ring, next);
        while (previous.InFlight > 0)
            await Task.Delay(5, ct).ConfigureAwait(false);
    }

    public async Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var kv = await _inner.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return kv is not null && IsSecret(key) ? Ring.Open(kv) : kv;
    }

    public async Task<KeyValue?> GetNearestAsync(string key, CancellationToken cancellationToken = default)
    {
        var kv = await _inner.GetNearestAsync(key, cancellationToken).ConfigureAwait(false);
        return kv is not null && IsSecret(key) ? Ring.Open(kv) : kv;
    }

    public async Task<StoreListResult> ListAsync(string prefix, string? startAfterKey = null, int limit = 0, CancellationToken cancellationToken = default)
    {
        var result = await _inner.ListAsync(prefix, startAfterKey, limit, cancellationToken).ConfigureAwait(false);
        if (!MayHoldSecrets(prefix))
            return result;
        var ring = Ring;
        var items = new KeyValue[result.Items.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var kv = result.Items[i];
            items[i] = IsSecret(kv.Key) ? ring.Open(kv) : kv;
        }
        return result with { Items = items };
    }

    public Task<long> CountAsync(string prefix, CancellationToken cancellationToken = default) => _inner.CountAsync(prefix, cancellationToken);

    public async Task<KeyValue> CreateAsync(string key, ReadOnlyMemory<byte> value, StoreFence? fence = null, CancellationToken cancellationToken = default)
    {
        if (!IsSecret(key))
            return await _inner.CreateAsync(key, value, fence, cancellationToken).ConfigureAwait(false);
        var ring = Enter();
        try
        {
            var kv = await _inner.CreateAsync(key, ring.Seal(value, key), fence, cancellationToken).ConfigureAwait(false);
            return kv with { Value = value };
        }
        finally
        {
            ring.Exit();
        }
    }

    public async Task<KeyValue> UpdateAsync(string key, ReadOnlyMemory<byte> value, long expectedModRevision, StoreFence? fence = null, CancellationToken cancellationToken = default)
    {
        if (!IsSecret(key))
            return await _inner.UpdateAsync(key, value, expectedModRevision, fence, cancellationToken).ConfigureAwait(false);
        var ring = Enter();
        try
        {
            var kv = await _inner.UpdateAsync(key, ring.Seal(value, key), expectedModRevision, fence, cancellationToken).ConfigureAwait(false);
            return kv with { Value = value };
        }
        finally
        {
            ring.Exit();
        }
    }

    public async Task<KeyValue> DeleteAsync(string key, long expectedModRevision = 0, StoreFence? fence = null, CancellationToken cancellationToken = default)
    {
        var kv = await _inner.DeleteAsync(key, expectedModRevision, fence, cancellationToken).ConfigureAwait(false);
        return IsSecret(key) ? Ring.Open(kv) : kv;
    }

    public IAsyncEnumerable<StoreEvent> WatchAsync(string prefix, long fromRevision, CancellationToken cancellationToken = default) =>
        MayHoldSecrets(prefix) ? OpenEventsAsync(_inner.WatchAsync(prefix, fromRevision, cancellationToken), cancellationToken) : _inner.WatchAsync(prefix, fromRevision, cancellationToken);

    public Task CompactAsync(long revision, CancellationToken cancellationToken = default) => _inner.CompactAsync(revision, cancellationToken);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    private async IAsyncEnumerable<StoreEvent> OpenEventsAsync(IAsyncEnumerable<StoreEvent> events, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in events.WithCancellation(ct).ConfigureAwait(false))
        {
            if (!IsSecret(e.Kv.Key))
            {
                yield return e;
                continue;
            }
            var ring = Ring;
            yield return e with { Kv = ring.Open(e.Kv), PrevKv = e.PrevKv is null ? null : ring.Open(e.PrevKv) };
        }
    }

    /// <summary>The ring in force, counted as in use until <see cref="KeyRing.Exit"/>; never one a swap has already waited out.</summary>
    private KeyRing Enter()
    {
        while (true)
        {
            var ring = Ring;
            ring.Enter();
            // A swap that happened between the read and the count may have seen no writer and gone on: use the new ring.
            if (ReferenceEquals(ring, Ring))
                return ring;
            ring.Exit();
        }
    }
}
