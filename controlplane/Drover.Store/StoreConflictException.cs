namespace Drover.Store;

/// <summary>An optimistic-concurrency check failed; <see cref="Current"/> lets the caller retry without another read.</summary>
public sealed class StoreConflictException : StoreException
{
    public StoreConflictException(string key, KeyValue current)
        : base($"Key '{key}' was modified at revision {current?.ModRevision}.")
    {
        ArgumentNullException.ThrowIfNull(current);
        Key = key;
        Current = current;
    }

    public string Key { get; }

    public KeyValue Current { get; }
}
