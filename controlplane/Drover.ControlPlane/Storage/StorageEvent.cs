namespace Drover.ControlPlane.Storage;

/// <summary>A change seen by a storage watch: the new (or, deleted, the last) value and the one before it, when known.</summary>
public readonly record struct StorageEvent(StorageEventKind Kind, StoredValue Current, StoredValue? Previous);

public enum StorageEventKind { Added, Modified, Deleted }
