using Drover.Store.Tests;

namespace Drover.Store.Sqlite.Tests;

public sealed class SqliteStoreCrudConformanceTests : StoreCrudTests
{
    protected override Task<StoreUnderTest> OpenAsync() => SqliteStores.OpenAsync();
}
