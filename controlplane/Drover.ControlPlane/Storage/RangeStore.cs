using Drover.Store;

namespace Drover.ControlPlane.Storage;

/// <summary>
/// The allocators' records (which cluster IPs and node ports are taken), each one value updated by
/// compare-and-swap, as Kubernetes keeps its RangeAllocation objects in etcd. They live outside
/// <see cref="StoreKeys.Root"/>, so watchers of every object never see the allocators' writes.
/// </summary>
public sealed class RangeStore
{
    private const string Prefix = "/ranges/";
    private readonly IStore _store;
    private readonly WriteFencing _fencing;

    public RangeStore(ObjectStore objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        _store = objects.Raw;
        _fencing = objects.Fencing;
    }

    /// <summary>The record and its mod revision; (null, 0) when there is none yet.</summary>
    public async Task<(byte[]? Value, long Revision)> GetAsync(string name, CancellationToken ct)
    {
        try
        {
            var kv = await _store.GetAsync(Prefix + name, ct).ConfigureAwait(false);
            return kv is null ? (null, 0) : (kv.Value.ToArray(), kv.ModRevision);
        }
        catch (StoreException e)
        {
            throw ObjectStore.Unavailable(e);
        }
    }

    /// <summary>
    /// Writes the record if it is still at <paramref name="expectedRevision"/> (0: if there is none yet); the new
    /// revision, or null when another writer came first (read again and redo the change).
    /// </summary>
    public async Task<long?> TryWriteAsync(string name, byte[] value, long expectedRevision, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(value);
        try
        {
            var kv = expectedRevision == 0
                ? await _store.CreateAsync(Prefix + name, value, _fencing.Current, ct).ConfigureAwait(false)
                : await _store.UpdateAsync(Prefix + name, value, expectedRevision, _fencing.Current, ct).ConfigureAwait(false);
            return kv.ModRevision;
        }
        catch (Exception e) when (e is StoreConflictException or StoreKeyExistsException or StoreKeyNotFoundException)
        {
            return null;
        }
        catch (StoreException e)
        {
            throw ObjectStore.Unavailable(e);
        }
    }
}
