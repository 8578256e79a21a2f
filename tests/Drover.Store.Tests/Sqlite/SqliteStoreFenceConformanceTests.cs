using Drover.Store.Tests;

namespace Drover.Store.Sqlite.Tests;

public sealed class SqliteStoreFenceConformanceTests : StoreFenceTests
{
    protected override Task<StoreUnderTest> OpenAsync() => SqliteStores.OpenAsync();
}
