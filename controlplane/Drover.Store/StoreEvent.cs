namespace Drover.Store;

/// <summary>
/// A change at revision <c>Kv.ModRevision</c>. For <see cref="StoreEventType.Put"/>, <see cref="Kv"/> is the new value and
/// <see cref="PrevKv"/> the previous one (null when the key was created). For <see cref="StoreEventType.Delete"/>,
/// <see cref="Kv"/> carries the last value with the delete's revision and <see cref="PrevKv"/> the value before deletion.
/// </summary>
public sealed record StoreEvent(StoreEventType Type, KeyValue Kv, KeyValue? PrevKv);
