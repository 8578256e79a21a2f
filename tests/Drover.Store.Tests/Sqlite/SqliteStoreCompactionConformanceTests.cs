using Drover.Store.Tests;

namespace Drover.Store.Sqlite.Tests;

public sealed class SqliteStoreCompactionConformanceTests : StoreCompactionTests
{
    protected override Task<StoreUnderTest> OpenAsync() => SqliteStores.OpenAsync();
}
