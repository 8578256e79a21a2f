using Drover.Api;
using Drover.ControlPlane.Testing;
using Drover.Store;
using Drover.Testing;

namespace Drover.ControlPlane.Storage.Tests;

public sealed class DecodedObjectCacheTests
{
    private static KeyValue Stored(string name, long revision) =>
        new($"/registry/pods/default/{name}", ObjectStore.Encode(ResourceTypes.Pods, new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = name, Namespace = "default" },
            Spec = new PodSpec { Containers = [new Container { Name = "c", Image = "busybox" }] },
        }), revision, revision);

    [Fact]
    public void Decode_SameKeyAndRevision_OneSharedObjectWithItsResourceVersion()
    {
        var cache = new DecodedObjectCache();
        var first = cache.Decode(ResourceTypes.Pods, Stored("a", 7));
        // Another reader with its own copy of the same committed bytes (a watcher, an informer, a read-back).
        var second = cache.Decode(ResourceTypes.Pods, Stored("a", 7));

        Assert.Same(first, second);
        Assert.Equal("7", first.Metadata.ResourceVersion);
        Assert.Equal("a", first.Metadata.Name);
    }

    [Fact]
    public void Decode_NewRevision_DecodedAfresh()
    {
        var cache = new DecodedObjectCache();
        var old = cache.Decode(ResourceTypes.Pods, Stored("a", 7));
        var updated = cache.Decode(ResourceTypes.Pods, Stored("a", 8));

        Assert.NotSame(old, updated);
        Assert.Equal("8", updated.Metadata.ResourceVersion);
    }

    [Fact]
    public void Get_Json_IsTheObjectAsTheApiServesIt()
    {
        var cache = new DecodedObjectCache();
        var entry = cache.Get(ResourceTypes.Pods, Stored("a", 7));

        Assert.Equal(ResourceTypes.Pods.SerializeToUtf8Bytes(entry.Object), entry.Json);
        Assert.Same(entry.Json, cache.Get(ResourceTypes.Pods, Stored("a", 7)).Json);
    }

    [Fact]
    public void Decode_UndecodableValue_ThrowsEachTimeAndIsNotKept()
    {
        var cache = new DecodedObjectCache();
        var broken = new KeyValue("/registry/pods/default/b", "{not json"u8.ToArray(), 3, 3);

        Assert.ThrowsAny<System.Text.Json.JsonException>(() => cache.Decode(ResourceTypes.Pods, broken));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => cache.Decode(ResourceTypes.Pods, broken));
    }

    [Fact]
    public void Decode_ManyRevisions_OldOnesPrunedNewestKept()
    {
        var cache = new DecodedObjectCache();
        var newest = cache.Decode(ResourceTypes.Pods, Stored("a", 1));
        for (var revision = 2; revision <= 5_000; revision++)
            newest = cache.Decode(ResourceTypes.Pods, Stored("a", revision));

        Assert.Same(newest, cache.Decode(ResourceTypes.Pods, Stored("a", 5_000)));
        Assert.True(cache.Count <= 2_048, $"{cache.Count} entries kept");
    }

    private static KeyValue LargeConfigMap(string name, long revision, int kib) =>
        new($"/registry/configmaps/default/{name}", ObjectStore.Encode(ResourceTypes.ConfigMaps, new ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new ObjectMeta { Name = name, Namespace = "default" },
            Data = new Dictionary<string, string> { ["blob"] = new string('x', kib * 1024) },
        }), revision, revision);

    [Fact]
    public void Get_LargeObjects_KeptWithinTheByteBound()
    {
        var cache = new DecodedObjectCache(maxBytes: 8 * 1024 * 1024);
        DecodedObjectCache.Entry? newest = null;
        for (var revision = 1; revision <= 1_000; revision++)
        {
            newest = cache.Get(ResourceTypes.ConfigMaps, LargeConfigMap("cm-" + revision, revision, kib: 100));
            _ = newest.Json;
        }

        // 1,000 objects of 100 KB (some 400 MB decoded, with their JSON) against a bound of 8 MB.
        Assert.InRange(cache.Bytes, 1, 8 * 1024 * 1024);
        Assert.InRange(cache.Count, 1, 25);
        Assert.Same(newest, cache.Get(ResourceTypes.ConfigMaps, LargeConfigMap("cm-1000", 1_000, kib: 100)));
    }

    [Fact]
    public void TrimIdle_EntriesNoReaderAskedFor_AreLetGo()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var cache = new DecodedObjectCache(time: time);
        cache.Decode(ResourceTypes.Pods, Stored("old", 1));
        time.Advance(TimeSpan.FromSeconds(20));
        var recent = cache.Decode(ResourceTypes.Pods, Stored("recent", 2));
        time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(1, cache.TrimIdle(TimeSpan.FromSeconds(30)));

        Assert.Equal(1, cache.Count);
        Assert.Same(recent, cache.Decode(ResourceTypes.Pods, Stored("recent", 2)));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, cache.TrimIdle(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Bytes);
    }

    [Fact]
    public void Metadata_NotDecodedYet_ReadsMetadataAloneWithItsResourceVersion()
    {
        var cache = new DecodedObjectCache();
        var owned = new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Status = new PodStatus { Phase = "Running" },
            Metadata = new ObjectMeta { Name = "a", Namespace = "default", Uid = "u-1", OwnerReferences = [new OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "rs", Uid = "u-rs" }] },
        };
        var kv = new KeyValue("/registry/pods/default/a", ObjectStore.Encode(ResourceTypes.Pods, owned), 9, 9);

        var meta = cache.Metadata(kv);

        Assert.Equal("9", meta.ResourceVersion);
        Assert.Equal("u-1", meta.Uid);
        Assert.Equal("u-rs", Assert.Single(meta.OwnerReferences!).Uid);
        Assert.Equal(0, cache.Count);
        Assert.Same(cache.Decode(ResourceTypes.Pods, kv).Metadata, cache.Metadata(kv));
    }
}
