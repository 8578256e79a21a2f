using Drover.Store.Tests;

namespace Drover.Store.Etcd.Tests;

[Trait("Category", "Process")]
[Collection(EtcdClusterCollection.Name)]
public sealed class EtcdStoreCompactionConformanceTests(EtcdClusterFixture etcd) : StoreCompactionTests
{
    protected override bool RemembersCompaction => false;

    protected override Task<StoreUnderTest> OpenAsync() => etcd.OpenAsync();
}
