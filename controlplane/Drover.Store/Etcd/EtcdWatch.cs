using System.Runtime.CompilerServices;
using Drover.Store.Etcd.Etcdserverpb;
using Grpc.Core;
using Mvcc = Drover.Store.Etcd.Mvccpb;

namespace Drover.Store.Etcd;

/// <summary>
/// One watch of a key prefix as a sequence of <see cref="StoreEvent"/>s. It asks for previous values and for the
/// leader requirement (<c>hasleader</c>, as clientv3's WithRequireLeader: a member cut off from its leader ends the
/// stream instead of going quiet); when a stream breaks it reconnects to the next member from the revision after the
/// last event delivered, so the consumer sees neither a gap nor a repeat. The stream is read as the consumer reads, so
/// a slow consumer holds etcd back through HTTP/2 flow control (etcd then catches the watcher up from its history).
/// </summary>
internal sealed class EtcdWatch
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromMilliseconds(200);

    private readonly EtcdStore _store;
    private readonly string _prefix;
    private long _next;

    public EtcdWatch(EtcdStore store, string prefix, long fromRevision)
    {
        _store = store;
        _prefix = prefix;
        _next = fromRevision + 1;
    }

    public async IAsyncEnumerable<StoreEvent> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_next - 1 < _store.CompactedRevision)
        {
            throw new StoreCompactedException(_store.CompactedRevision);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _store.Disposing);
        var ct = linked.Token;
        var failures = 0;
        var tried = new List<string>();
        while (true)
        {
            var (channel, index) = _store.Channels.Current;
            using var call = new Watch.WatchClient(channel).Watch(EtcdStore.RequireLeader, cancellationToken: ct);
            WatchResponse? response = null;
            var broken = await StartAsync(call, ct).ConfigureAwait(false);
            while (broken is null)
            {
                (response, broken) = await ReadResponseAsync(call, ct).ConfigureAwait(false);
                if (response is null)
                {
                    break;
                }

                if (ct.IsCancellationRequested)
                {
                    break;
                }

                if (response.CompactRevision != 0)
                {
                    _store.NoteCompacted(response.CompactRevision);
                    throw new StoreCompactedException(response.CompactRevision);
                }

                if (response.Canceled)
                {
                    broken = new StoreException($"etcd at {_store.Channels.Describe(index)} ended the watch: {response.CancelReason}");
                    break;
                }

                _store.NoteRevision(response.Header?.Revision ?? 0);
                failures = 0;
                tried.Clear();
                foreach (var ev in response.Events)
                {
                    var storeEvent = ToStoreEvent(ev);
                    _next = storeEvent.Kv.ModRevision + 1;
                    yield return storeEvent;
                }
            }

            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            if (_store.Disposing.IsCancellationRequested)
            {
                // Closing the store ends every watch, as the SQLite store's do.
                yield break;
            }

            // The stream broke or the member lost its leader: on to the next member, from where we stopped.
            _store.Channels.Failed(index);
            tried.Add($"{_store.Channels.Describe(index)}: {broken?.Message ?? "stream ended"}");
            if (++failures >= _store.Channels.Count * 3)
            {
                throw new StoreException($"the etcd cluster is unavailable for watching ({string.Join("; ", tried.TakeLast(_store.Channels.Count))}). A majority of its members must be up and reachable.", broken ?? new IOException("the watch stream ended"));
            }

            await Task.Delay(ReconnectDelay * failures, ct).ConfigureAwait(false);
        }
    }

    private async Task<Exception?> StartAsync(AsyncDuplexStreamingCall<WatchRequest, WatchResponse> call, CancellationToken ct)
    {
        var (key, end) = _store.Keys.Range(_prefix);
        var create = new WatchCreateRequest { Key = key, RangeEnd = end, StartRevision = _next, PrevKv = true, ProgressNotify = true };
        try
        {
            await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = create }, ct).ConfigureAwait(false);
            return null;
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            return e;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or HttpRequestException && !ct.IsCancellationRequested)
        {
            return e;
        }
        catch (RpcException) when (ct.IsCancellationRequested)
        {
            return new OperationCanceledException(ct);
        }
    }

    private static async Task<(WatchResponse? Response, Exception? Broken)> ReadResponseAsync(AsyncDuplexStreamingCall<WatchRequest, WatchResponse> call, CancellationToken ct)
    {
        try
        {
            return await call.ResponseStream.MoveNext(ct).ConfigureAwait(false) ? (call.ResponseStream.Current, null) : (null, null);
        }
        catch (RpcException e) when (ct.IsCancellationRequested)
        {
            return (null, e);
        }
        catch (OperationCanceledException e) when (ct.IsCancellationRequested)
        {
            return (null, e);
        }
        catch (RpcException e)
        {
            return (null, e);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return (null, e);
        }
    }

    /// <summary>
    /// etcd's delete event carries only the key and the deletion's revision; the store's contract wants the last value
    /// with the deletion's revision, which is the previous value etcd sends alongside.
    /// </summary>
    private StoreEvent ToStoreEvent(Mvcc.Event ev)
    {
        var previous = ev.PrevKv is { } prev && prev.Key.Length > 0 ? _store.ToKeyValue(prev) : null;
        if (ev.Type == Mvcc.Event.Types.EventType.Delete)
        {
            var last = previous is null
                ? new KeyValue(_store.Keys.FromEtcd(ev.Kv.Key), ReadOnlyMemory<byte>.Empty, 0, ev.Kv.ModRevision)
                : previous with { ModRevision = ev.Kv.ModRevision };
            return new StoreEvent(StoreEventType.Delete, last, previous);
        }

        // A key's first version has no previous value, whatever etcd attaches.
        return new StoreEvent(StoreEventType.Put, _store.ToKeyValue(ev.Kv), ev.Kv.Version == 1 ? null : previous);
    }
}
