using Drover.Store.Tests;

namespace Drover.Store.Etcd.Tests;

/// <summary>The watch conformance suite again, every watch served through the one shared etcd watch droverd uses.</summary>
[Trait("Category", "Process")]
[Collection(EtcdClusterCollection.Name)]
public sealed class EtcdStoreSharedWatchConformanceTests(EtcdClusterFixture etcd) : StoreWatchTests
{
    protected override bool RemembersCompaction => false;

    protected override Task<StoreUnderTest> OpenAsync() => etcd.OpenSharedWatchAsync();
}
