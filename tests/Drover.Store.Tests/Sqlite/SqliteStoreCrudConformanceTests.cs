using Drover.Store.Tests.Conformance;

namespace Drover.Store.Tests.Sqlite;

public sealed class SqliteStoreCrudConformanceTests : StoreCrudTests
{
    protected override Task<StoreUnderTest> OpenAsync() => SqliteStores.OpenAsync();
}
