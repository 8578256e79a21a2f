using System.Text.Json;
using Drover.ControlPlane.Storage;

namespace Drover.ControlPlane.Registry.Allocation;

/// <summary>
/// Offsets 0..size-1 of one range (cluster IPs, node ports), taken and freed by compare-and-swap on one stored
/// record, so that no offset is ever handed out twice, even by two droverd replicas. Within this process the
/// changes are serialised (no CAS storm under thousands of concurrent creates) and the last record read is
/// kept, so an allocation costs one store write.
/// </summary>
internal sealed class RangeAllocator
{
    private readonly RangeStore _store;
    private readonly string _name;
    private readonly string _range;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private AllocationBitmap? _current;
    private long _revision;

    public RangeAllocator(RangeStore store, string name, string range, int size)
    {
        _store = store;
        _name = name;
        _range = range;
        Size = size;
    }

    public int Size { get; }

    /// <summary>
    /// Applies <paramref name="change"/> to a copy of the current record and writes it if the change says so;
    /// on a lost compare-and-swap, reads again and reapplies. Returns what the change returned.
    /// </summary>
    public async Task<T> UpdateAsync<T>(Func<AllocationBitmap, (bool Write, T Result)> change, CancellationToken ct)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            while (true)
            {
                if (_current is null)
                    await LoadAsync(ct).ConfigureAwait(false);
                var next = _current!.Clone();
                var (write, result) = change(next);
                if (!write)
                    return result;
                var value = JsonSerializer.SerializeToUtf8Bytes(new RangeAllocation(_range, next.Encode()), RangeAllocationJsonContext.Default.RangeAllocation);
                if (await _store.TryWriteAsync(_name, value, _revision, ct).ConfigureAwait(false) is { } revision)
                {
                    (_current, _revision) = (next, revision);
                    return result;
                }
                // Another replica wrote in between: start again from what it wrote.
                _current = null;
            }
        }
        catch
        {
            // A failed write may or may not have landed: read the record again next time.
            _current = null;
            throw;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The current record, read from the store.</summary>
    public async Task<AllocationBitmap> SnapshotAsync(CancellationToken ct)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await LoadAsync(ct).ConfigureAwait(false);
            return _current!.Clone();
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var (value, revision) = await _store.GetAsync(_name, ct).ConfigureAwait(false);
        _revision = revision;
        _current = new AllocationBitmap(Size);
        if (value is null)
            return;
        RangeAllocation? stored;
        try
        {
            stored = JsonSerializer.Deserialize(value, RangeAllocationJsonContext.Default.RangeAllocation);
        }
        catch (JsonException)
        {
            stored = null;
        }
        // A record of another range (the flag changed) or an unreadable one starts empty; the repair loop marks
        // what existing Services hold. The revision is kept, so the next write replaces that record.
        if (stored is not null && stored.Range == _range && AllocationBitmap.Decode(stored.Data, Size) is { } bitmap)
            _current = bitmap;
    }
}
