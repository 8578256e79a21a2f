using Drover.Store.Tests.Conformance;

namespace Drover.Store.Tests.Sqlite;

public sealed class SqliteStoreListConformanceTests : StoreListTests
{
    protected override Task<StoreUnderTest> OpenAsync() => SqliteStores.OpenAsync();
}
