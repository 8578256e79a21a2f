using Drover.Store.Tests.Conformance;

namespace Drover.Store.Tests.Etcd;

[Trait("Category", "Process")]
[Collection(EtcdClusterCollection.Name)]
public sealed class EtcdStoreConcurrencyConformanceTests(EtcdClusterFixture etcd) : StoreConcurrencyTests
{
    protected override bool RemembersCompaction => false;

    protected override Task<StoreUnderTest> OpenAsync() => etcd.OpenAsync();
}
