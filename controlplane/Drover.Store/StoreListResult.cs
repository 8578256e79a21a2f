namespace Drover.Store;

/// <summary>A page of keys. <see cref="ContinueAfterKey"/> is the last returned key when more remain, else null.</summary>
public sealed record StoreListResult(IReadOnlyList<KeyValue> Items, long Revision, string? ContinueAfterKey);
