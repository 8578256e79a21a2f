using Drover.Store.Tests;

namespace Drover.Store.Sqlite.Tests;

public sealed class SqliteStoreConcurrencyConformanceTests : StoreConcurrencyTests
{
    protected override Task<StoreUnderTest> OpenAsync() => SqliteStores.OpenAsync();
}
