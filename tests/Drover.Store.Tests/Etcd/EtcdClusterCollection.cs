namespace Drover.Store.Etcd.Tests;

/// <summary>
/// Every etcd test shares one 3-member cluster and runs in this one collection, one test at a time: etcd's revision
/// is global, so the conformance tests' relative revisions hold only while no other test writes.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EtcdClusterCollection : ICollectionFixture<EtcdClusterFixture>
{
    public const string Name = "etcd cluster";
}
