using Drover.Store.Tests;

namespace Drover.Store.Sqlite.Tests;

public sealed class SqliteStoreWatchConformanceTests : StoreWatchTests
{
    protected override Task<StoreUnderTest> OpenAsync() => SqliteStores.OpenAsync();

    // A tiny catch-up page forces many log reads racing with live publication.
    protected override Task<StoreUnderTest> OpenCatchUpStoreAsync() => SqliteStores.OpenAsync(new SqliteStoreOptions { WatchCatchUpPageSize = 7 });
}
