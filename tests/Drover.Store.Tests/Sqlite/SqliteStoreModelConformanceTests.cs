using Drover.Store.Tests;

namespace Drover.Store.Sqlite.Tests;

public sealed class SqliteStoreModelConformanceTests : StoreModelTests
{
    protected override Task<StoreUnderTest> OpenAsync() => SqliteStores.OpenAsync();
}
