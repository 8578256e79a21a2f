namespace Drover.Store;

/// <summary>A fenced write was refused: the fence key moved on (another leader took over), so nothing was written.</summary>
public sealed class StoreFencedException : StoreException
{
    public StoreFencedException(StoreFence fence, long currentModRevision)
        : base($"Write refused: the fence '{fence?.Key}' is at revision {currentModRevision}, not {fence?.ModRevision} (leadership moved on).")
    {
        ArgumentNullException.ThrowIfNull(fence);
        Fence = fence;
        CurrentModRevision = currentModRevision;
    }

    public StoreFence Fence { get; }

    /// <summary>The fence key's mod revision when the write was refused (0: the key is gone).</summary>
    public long CurrentModRevision { get; }
}
