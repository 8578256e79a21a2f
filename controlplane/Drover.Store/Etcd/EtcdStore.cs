using Drover.Store.Etcd.Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Mvcc = Drover.Store.Etcd.Mvccpb;

namespace Drover.Store.Etcd;

/// <summary>
/// <see cref="IStore"/> on an etcd v3 cluster, through etcd's own gRPC API: revisions are etcd's revisions, every
/// conditional write is one transaction comparing mod (or create) revisions — and the fence key's, when the write is
/// fenced — watches are etcd watches with previous values, and compaction is etcd's. Reads and idempotent requests fail
/// over from member to member; a write fails over only when it certainly never reached a member (see
/// <see cref="EtcdErrors.WasNotSent"/>), otherwise it is reported as failed, since it may or may not have been applied.
/// </summary>
public sealed class EtcdStore : IStore
{
    /// <summary>
    /// clientv3's WithRequireLeader: a member that has lost its leader answers "no leader" at once instead of holding
    /// the request until the deadline — certain not to be applied, so it can go to another member.
    /// </summary>
    internal static readonly Metadata RequireLeader = new() { { "hasleader", "true" } };

    private readonly EtcdStoreOptions _options;
    private readonly EtcdChannels _channels;
    private readonly EtcdKeys _keys;
    private readonly CancellationTokenSource _disposing = new();
    private readonly EtcdSharedWatch? _sharedWatch;
    private long _revision;
    private long _compacted;
    private int _disposed;

    private EtcdStore(EtcdStoreOptions options)
    {
        _options = options;
        _channels = new EtcdChannels(options);
        _keys = new EtcdKeys(options.KeyPrefix);
        if (options.SharedWatchPrefix is { } shared)
        {
            _sharedWatch = new EtcdSharedWatch(this, shared, options.WatchBufferSize, options.WatchBufferBytes, options.WatchHistoryEvents, options.WatchHistoryBytes);
        }
    }

    /// <summary>The highest etcd revision any response has shown this client.</summary>
    public long CurrentRevision => Volatile.Read(ref _revision);

    /// <summary>The highest compaction this client made or was told about (etcd does not announce compactions).</summary>
    public long CompactedRevision => Volatile.Read(ref _compacted);

    public IReadOnlyList<Uri> Endpoints => _channels.Endpoints;

    /// <summary>The index (in <see cref="Endpoints"/>) of the member requests go to now (tests).</summary>
    internal int CurrentMember => _channels.Current.Index;

    /// <summary>Where a watch from an old revision stops being served from the shared watch's memory (tests).</summary>
    internal long? SharedWatchFloor => _sharedWatch?.Floor;

    /// <summary>Connects and reads the cluster's revision once, so a wrong endpoint or certificate fails here, at start.</summary>
    /// <exception cref="StoreException">No member answered.</exception>
    public static async Task<EtcdStore> ConnectAsync(EtcdStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RequestTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ListPageSize, 1, nameof(options));
        StoreKeys.ThrowIfIllFormed(options.KeyPrefix, nameof(options));
        var store = new EtcdStore(options);
        try
        {
            await store.ReadRevisionAsync(cancellationToken).ConfigureAwait(false);
            await store._channels.PreferLeaderAsync(options.DialTimeout, cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The cluster's current revision, read through the raft leader (linearizable).</summary>
    public async Task<long> ReadRevisionAsync(CancellationToken cancellationToken = default)
    {
        // A point read of a key no one writes: one quorum round trip, nothing scanned.
        var request = new RangeRequest { Key = _keys.Key("\u0001"), CountOnly = true };
        var response = await InvokeAsync(static (client, request, options) => client.RangeAsync(request, options), request, idempotent: true, cancellationToken).ConfigureAwait(false);
        return response.Header.Revision;
    }

    public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default) => GetAsync(key, serializable: false, cancellationToken);

    public Task<KeyValue?> GetNearestAsync(string key, CancellationToken cancellationToken = default) => GetAsync(key, serializable: true, cancellationToken);

    private async Task<KeyValue?> GetAsync(string key, bool serializable, CancellationToken cancellationToken)
    {
        StoreKeys.ThrowIfInvalidKey(key, nameof(key));
        var response = await RangeAsync(new RangeRequest { Key = _keys.Key(key), Serializable = serializable }, cancellationToken).ConfigureAwait(false);
        return response.Kvs.Count == 0 ? null : ToKeyValue(response.Kvs[0]);
    }

    public async Task<StoreListResult> ListAsync(string prefix, string? startAfterKey = null, int limit = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        StoreKeys.ThrowIfIllFormed(prefix, nameof(prefix));
        if (startAfterKey is not null)
        {
            StoreKeys.ThrowIfIllFormed(startAfterKey, nameof(startAfterKey));
        }

        var (start, end) = _keys.PageRange(prefix, startAfterKey);
        if (limit > 0)
        {
            var page = await RangeAsync(new RangeRequest { Key = start, RangeEnd = end, Limit = limit }, cancellationToken).ConfigureAwait(false);
            var items = page.Kvs.Select(ToKeyValue).ToList();
            return new StoreListResult(items, page.Header.Revision, page.More && items.Count > 0 ? items[^1].Key : null);
        }

        // Everything, in pages read at the first page's revision: one consistent snapshot without one huge response.
        var all = new List<KeyValue>();
        long revision = 0;
        while (true)
        {
            var request = new RangeRequest { Key = start, RangeEnd = end, Limit = _options.ListPageSize, Revision = revision };
            var page = await RangeAsync(request, cancellationToken).ConfigureAwait(false);
            revision = revision == 0 ? page.Header.Revision : revision;
            foreach (var kv in page.Kvs)
            {
                all.Add(ToKeyValue(kv));
            }

            if (!page.More || page.Kvs.Count == 0)
            {
                return new StoreListResult(all, revision, null);
            }

            var next = page.Kvs[^1].Key.ToByteArray();
            start = ByteString.CopyFrom([.. next, 0]);
        }
    }

    public async Task<long> CountAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        StoreKeys.ThrowIfIllFormed(prefix, nameof(prefix));
        var (start, end) = _keys.Range(prefix);
        var response = await RangeAsync(new RangeRequest { Key = start, RangeEnd = end, CountOnly = true }, cancellationToken).ConfigureAwait(false);
        return response.Count;
    }

    public async Task<KeyValue> CreateAsync(string key, ReadOnlyMemory<byte> value, StoreFence? fence = null, CancellationToken cancellationToken = default)
    {
        StoreKeys.ThrowIfInvalidKey(key, nameof(key));
        var etcdKey = _keys.Key(key);
        var bytes = ByteString.CopyFrom(value.Span);
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = etcdKey, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = etcdKey, Value = bytes } });
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = etcdKey } });
        AddFence(txn, fence);
        var response = await TxnAsync(txn, cancellationToken).ConfigureAwait(false);
        if (!response.Succeeded)
        {
            ThrowIfFenced(response, fence);
            throw new StoreKeyExistsException(key);
        }

        var revision = response.Header.Revision;
        return new KeyValue(key, bytes.Memory, revision, revision);
    }

    public async Task<KeyValue> UpdateAsync(string key, ReadOnlyMemory<byte> value, long expectedModRevision, StoreFence? fence = null, CancellationToken cancellationToken = default)
    {
        StoreKeys.ThrowIfInvalidKey(key, nameof(key));
        ArgumentOutOfRangeException.ThrowIfNegative(expectedModRevision);
        var etcdKey = _keys.Key(key);
        var bytes = ByteString.CopyFrom(value.Span);
        var txn = new TxnRequest();
        txn.Compare.Add(Expect(etcdKey, expectedModRevision));
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = etcdKey, Value = bytes, PrevKv = true } });
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = etcdKey } });
        AddFence(txn, fence);
        var response = await TxnAsync(txn, cancellationToken).ConfigureAwait(false);
        if (!response.Succeeded)
        {
            ThrowKeyFailure(key, response, fence);
        }

        var previous = response.Responses[0].ResponsePut.PrevKv;
        return new KeyValue(key, bytes.Memory, previous.CreateRevision, response.Header.Revision);
    }

    public async Task<KeyValue> DeleteAsync(string key, long expectedModRevision = 0, StoreFence? fence = null, CancellationToken cancellationToken = default)
    {
        StoreKeys.ThrowIfInvalidKey(key, nameof(key));
        ArgumentOutOfRangeException.ThrowIfNegative(expectedModRevision);
        var etcdKey = _keys.Key(key);
        var txn = new TxnRequest();
        txn.Compare.Add(Expect(etcdKey, expectedModRevision));
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = etcdKey, PrevKv = true } });
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = etcdKey } });
        AddFence(txn, fence);
        var response = await TxnAsync(txn, cancellationToken).ConfigureAwait(false);
        if (!response.Succeeded)
        {
            ThrowKeyFailure(key, response, fence);
        }

        var previous = response.Responses[0].ResponseDeleteRange.PrevKvs[0];
        return new KeyValue(key, previous.Value.Memory, previous.CreateRevision, response.Header.Revision);
    }

    public async Task CompactAsync(long revision, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(revision);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(revision, CurrentRevision);
        if (revision <= CompactedRevision)
        {
            return;
        }

        try
        {
            await InvokeAsync(static (client, request, options) => client.CompactAsync(request, options), new CompactionRequest { Revision = revision }, idempotent: true, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException e) when (e.InnerException is RpcException rpc && EtcdErrors.IsCompacted(rpc))
        {
            // Someone (another replica, an operator) compacted further already: history never comes back.
        }

        NoteCompacted(revision);
    }

    public IAsyncEnumerable<StoreEvent> WatchAsync(string prefix, long fromRevision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        StoreKeys.ThrowIfIllFormed(prefix, nameof(prefix));
        ArgumentOutOfRangeException.ThrowIfNegative(fromRevision);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _sharedWatch is not null && _sharedWatch.Covers(prefix)
            ? _sharedWatch.WatchAsync(prefix, fromRevision, cancellationToken)
            : new EtcdWatch(this, prefix, fromRevision).ReadAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Not disposed: watches still running read its token to learn that the store closed under them.
        await _disposing.CancelAsync().ConfigureAwait(false);
        _channels.Dispose();
    }

    internal EtcdChannels Channels => _channels;

    internal EtcdKeys Keys => _keys;

    internal CancellationToken Disposing => _disposing.Token;

    internal void NoteRevision(long revision)
    {
        var seen = Volatile.Read(ref _revision);
        while (revision > seen)
        {
            var previous = Interlocked.CompareExchange(ref _revision, revision, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    internal void NoteCompacted(long revision)
    {
        var seen = Volatile.Read(ref _compacted);
        while (revision > seen)
        {
            var previous = Interlocked.CompareExchange(ref _compacted, revision, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    internal KeyValue ToKeyValue(Mvcc.KeyValue kv) => new(_keys.FromEtcd(kv.Key), kv.Value.Memory, kv.CreateRevision, kv.ModRevision);

    private static Compare Expect(ByteString key, long expectedModRevision) => expectedModRevision != 0
        ? new Compare { Key = key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = expectedModRevision }
        : new Compare { Key = key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Greater, CreateRevision = 0 };

    /// <summary>The fence is one more comparison in the write's own transaction; on failure its key is read back to tell why.</summary>
    private void AddFence(TxnRequest txn, StoreFence? fence)
    {
        if (fence is null)
        {
            return;
        }

        var fenceKey = _keys.Key(fence.Key);
        txn.Compare.Add(new Compare { Key = fenceKey, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = fence.ModRevision });
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = fenceKey } });
    }

    private static void ThrowIfFenced(TxnResponse response, StoreFence? fence)
    {
        if (fence is null)
        {
            return;
        }

        var kvs = response.Responses[1].ResponseRange.Kvs;
        var current = kvs.Count == 0 ? 0 : kvs[0].ModRevision;
        if (current != fence.ModRevision)
        {
            throw new StoreFencedException(fence, current);
        }
    }

    private void ThrowKeyFailure(string key, TxnResponse response, StoreFence? fence)
    {
        ThrowIfFenced(response, fence);
        var kvs = response.Responses[0].ResponseRange.Kvs;
        if (kvs.Count == 0)
        {
            throw new StoreKeyNotFoundException(key);
        }

        throw new StoreConflictException(key, ToKeyValue(kvs[0]));
    }

    private async Task<RangeResponse> RangeAsync(RangeRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await InvokeAsync(static (client, request, options) => client.RangeAsync(request, options), request, idempotent: true, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException e) when (e.InnerException is RpcException rpc && EtcdErrors.IsCompacted(rpc))
        {
            // A paged list read at a revision compacted meanwhile: the caller lists again.
            NoteCompacted(request.Revision);
            throw new StoreCompactedException(request.Revision);
        }
    }

    private Task<TxnResponse> TxnAsync(TxnRequest request, CancellationToken cancellationToken) =>
        InvokeAsync(static (client, request, options) => client.TxnAsync(request, options), request, idempotent: false, cancellationToken);

    /// <summary>
    /// Sends one request to the current member, failing over to the others in turn when the member cannot serve it
    /// (<paramref name="idempotent"/> requests always; writes only when they certainly were not sent).
    /// </summary>
    private async Task<TResponse> InvokeAsync<TRequest, TResponse>(
        Func<KV.KVClient, TRequest, CallOptions, AsyncUnaryCall<TResponse>> call, TRequest request, bool idempotent, CancellationToken cancellationToken)
        where TResponse : class, IMessage
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        RpcException? last = null;
        var tried = new List<string>(_channels.Count);
        for (var attempt = 0; attempt < _channels.Count; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (channel, index) = _channels.Current;
            var options = new CallOptions(RequireLeader, DateTime.UtcNow + _options.RequestTimeout, cancellationToken);
            try
            {
                var response = await call(new KV.KVClient(channel), request, options).ResponseAsync.ConfigureAwait(false);
                NoteRevision(HeaderRevision(response));
                return response;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            catch (RpcException e) when (EtcdErrors.IsMemberUnavailable(e))
            {
                _channels.Failed(index);
                last = e;
                tried.Add(_channels.Describe(index));
                if (!idempotent && !EtcdErrors.WasNotSent(e))
                {
                    throw new StoreException(
                        $"etcd at {_channels.Describe(index)} failed during a write ({EtcdErrors.Describe(e)}); it may or may not have been applied (is a majority of the etcd members up?).", e);
                }
            }
            catch (RpcException e)
            {
                throw new StoreException($"etcd refused the request: {EtcdErrors.Describe(e)}", e);
            }
        }

        throw new StoreException(
            $"the etcd cluster is unavailable ({EtcdErrors.Describe(last!)}); tried {string.Join(", ", tried)}. A majority of its members must be up and reachable.",
            last!);
    }

    private static long HeaderRevision(IMessage response) => response switch
    {
        RangeResponse r => r.Header?.Revision ?? 0,
        TxnResponse t => t.Header?.Revision ?? 0,
        CompactionResponse c => c.Header?.Revision ?? 0,
        _ => 0,
    };
}
