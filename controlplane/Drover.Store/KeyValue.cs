namespace Drover.Store;

/// <summary>One key's value at a revision. <see cref="CreateRevision"/> identifies the key's lifecycle (it changes when the key is deleted and created again).</summary>
public sealed record KeyValue(string Key, ReadOnlyMemory<byte> Value, long CreateRevision, long ModRevision);
