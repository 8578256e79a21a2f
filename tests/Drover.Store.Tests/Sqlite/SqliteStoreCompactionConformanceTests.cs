using Drover.Store.Tests.Conformance;

namespace Drover.Store.Tests.Sqlite;

public sealed class SqliteStoreCompactionConformanceTests : StoreCompactionTests
{
    protected override Task<StoreUnderTest> OpenAsync() => SqliteStores.OpenAsync();
}
