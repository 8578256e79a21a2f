namespace Drover.Store.Tests;

/// <summary>
/// A store for one conformance test: a fresh SQLite database, or a fresh key prefix on the shared etcd cluster.
/// <see cref="Base"/> is the revision before the test's first write (0 for SQLite; etcd's revision is global), so the
/// tests assert revisions relative to it and run unchanged on both.
/// </summary>
public sealed class StoreUnderTest : IAsyncDisposable
{
    private readonly Func<Task<IStore>> _open;
    private readonly Func<Task>? _cleanup;

    private StoreUnderTest(IStore store, long @base, Func<Task<IStore>> open, Func<Task>? cleanup)
    {
        Store = store;
        Base = @base;
        _open = open;
        _cleanup = cleanup;
    }

    public IStore Store { get; private set; }

    public long Base { get; }

    /// <summary>Revision <paramref name="n"/> of this test: the n-th write after it started.</summary>
    public long Rev(long n) => Base + n;

    public static async Task<StoreUnderTest> OpenAsync(Func<Task<IStore>> open, Func<Task>? cleanup = null)
    {
        ArgumentNullException.ThrowIfNull(open);
        var store = await open();
        return new StoreUnderTest(store, store.CurrentRevision, open, cleanup);
    }

    /// <summary>Closes the store and opens it again over the same data (a restart of droverd).</summary>
    public async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = await _open();
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        if (_cleanup is not null)
            await _cleanup();
    }
}
