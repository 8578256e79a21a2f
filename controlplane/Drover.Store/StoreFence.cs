namespace Drover.Store;

/// <summary>
/// A fencing token: a write carrying it is applied only while <see cref="Key"/> is still at <see cref="ModRevision"/>,
/// checked by the store in the same atomic step as the write itself (one etcd transaction, one SQLite write). A new
/// leader rewrites the key when it takes over, so every write a deposed leader still has in flight fails, however late
/// it arrives (Kleppmann's fencing tokens; etcd's election API fences the same way on the leader key's revision).
/// </summary>
public sealed record StoreFence(string Key, long ModRevision);
