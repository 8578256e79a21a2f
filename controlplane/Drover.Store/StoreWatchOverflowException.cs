namespace Drover.Store;

/// <summary>
/// The watcher fell too far behind; rather than block writers or drop events silently, its watch ends.
/// The caller must list again and watch from the list's revision.
/// </summary>
public sealed class StoreWatchOverflowException : StoreException
{
    public StoreWatchOverflowException()
        : base("The watcher fell too far behind and its buffer overflowed.")
    {
    }

    public StoreWatchOverflowException(string message)
        : base(message)
    {
    }

    public StoreWatchOverflowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
