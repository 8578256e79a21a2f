using Drover.Store.Tests.Conformance;

namespace Drover.Store.Tests.Sqlite;

public sealed class SqliteStoreWatchConformanceTests : StoreWatchTests
{
    protected override Task<StoreUnderTest> OpenAsync() => SqliteStores.OpenAsync();

    // A tiny catch-up page forces many log reads racing with live publication.
    protected override Task<StoreUnderTest> OpenCatchUpStoreAsync() => SqliteStores.OpenAsync(new SqliteStoreOptions { WatchCatchUpPageSize = 7 });
}
