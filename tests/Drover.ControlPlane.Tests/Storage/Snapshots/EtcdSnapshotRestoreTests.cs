using Drover.Api;
using Drover.Testing;

namespace Drover.ControlPlane.Tests;

/// <summary>
/// The README's etcd backup on a real droverd over a 3-member etcd: <c>etcdctl snapshot save</c> while droverd serves,
/// droverd stopped, every member restored from the snapshot with <c>etcdctl snapshot restore</c>, droverd started
/// again: the cluster is as at the snapshot, revisions included, and takes writes above them.
/// </summary>
[Trait("Category", "Process")]
public sealed class EtcdSnapshotRestoreTests
{
    private static ConfigMap Map(string name) => new() { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new ObjectMeta { Name = name, Namespace = "default" } };

    [Fact]
    public async Task EtcdctlSaveWhileServing_RestoreEveryMember_ClusterAsAtTheSnapshot()
    {
        await using var etcd = await EtcdCluster.StartAsync(members: 3);
        var snapshot = Path.Combine(etcd.Directory, "drover.db");
        await using var server = await DroverdProcess.StartAsync(null, "--datastore-endpoint", string.Join(',', etcd.ClientUrls.Select(u => u.ToString().TrimEnd('/'))));
        string beforeVersion;
        using (var client = server.Client(TimeSpan.FromSeconds(10)))
        {
            beforeVersion = (await client.CreateAsync(ResourceTypes.ConfigMaps, Map("before"))).Metadata.ResourceVersion!;
            await client.CreateAsync(ResourceTypes.Secrets, new Secret
            {
                ApiVersion = "v1",
                Kind = "Secret",
                Metadata = new ObjectMeta { Name = "kept", Namespace = "default" },
                StringData = new() { ["password"] = "s3cret" },
            });

            await etcd.SaveSnapshotAsync(snapshot, member: 1);

            await client.CreateAsync(ResourceTypes.ConfigMaps, Map("after"));
            await client.DeleteAsync(ResourceTypes.ConfigMaps, "default", "before");
        }

        await server.StopAsync();
        await etcd.RestoreSnapshotAsync(snapshot, TimeSpan.FromSeconds(60));
        await server.StartAgainAsync();

        using var restored = server.Client(TimeSpan.FromSeconds(10));
        var before = await restored.TryGetAsync(ResourceTypes.ConfigMaps, "default", "before");
        Assert.NotNull(before);
        Assert.Equal(beforeVersion, before.Metadata.ResourceVersion);
        Assert.Null(await restored.TryGetAsync(ResourceTypes.ConfigMaps, "default", "after"));
        var secret = Assert.IsType<Secret>(await restored.GetAsync(ResourceTypes.Secrets, "default", "kept"));
        Assert.Equal("s3cret"u8.ToArray(), secret.Data!["password"]);
        var later = await restored.CreateAsync(ResourceTypes.ConfigMaps, Map("later"));
        Assert.True(long.Parse(later.Metadata.ResourceVersion!, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(beforeVersion, System.Globalization.CultureInfo.InvariantCulture));
    }
}
