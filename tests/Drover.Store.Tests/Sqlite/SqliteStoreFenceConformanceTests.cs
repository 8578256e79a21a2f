using Drover.Store.Tests.Conformance;

namespace Drover.Store.Tests.Sqlite;

public sealed class SqliteStoreFenceConformanceTests : StoreFenceTests
{
    protected override Task<StoreUnderTest> OpenAsync() => SqliteStores.OpenAsync();
}
