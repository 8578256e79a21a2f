namespace Drover.Store.Tests;

/// <summary>The base of every conformance test class: each store implementation derives and says how to open one.</summary>
public abstract class StoreConformanceTests
{
    protected abstract Task<StoreUnderTest> OpenAsync();

    /// <summary>Whether the store remembers its compaction point across a reopen (SQLite keeps it; an etcd client learns it again when told).</summary>
    protected virtual bool RemembersCompaction => true;
}
