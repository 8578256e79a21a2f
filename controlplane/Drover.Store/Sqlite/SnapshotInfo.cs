namespace Drover.Store.Sqlite;

/// <summary>What a snapshot holds: the store's revision, its compacted revision, how many keys, and the file's size.</summary>
public sealed record SnapshotInfo(long Revision, long CompactedRevision, long Keys, long Bytes);
