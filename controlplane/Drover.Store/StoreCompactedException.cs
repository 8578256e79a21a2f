namespace Drover.Store;

/// <summary>The requested history is gone; the caller must list again and watch from the list's revision.</summary>
public sealed class StoreCompactedException : StoreException
{
    public StoreCompactedException(long compactedRevision)
        : base($"History at or below revision {compactedRevision} has been compacted.")
    {
        CompactedRevision = compactedRevision;
    }

    public long CompactedRevision { get; }
}
