using System.Collections.Concurrent;
using Drover.Api;
using Drover.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.Agent.Volumes.Tests;

/// <summary>The agent's watches of its pods' ConfigMaps and Secrets, over a real droverd.</summary>
[Trait("Category", "Process")]
public sealed class ReferencedObjectWatchesTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly ConcurrentQueue<string> _woken = new();

    [Fact]
    public async Task Track_ConfigMapOfAVolumeChanges_WakesThePodAtOnce()
    {
        using var api = fixture.Server.Client();
        var name = Unique("cm");
        await api.CreateAsync(ResourceTypes.ConfigMaps, ConfigMap(name, "one"));
        using var watches = Watches(api);

        watches.Track("uid-1", PodWithVolume(name, secret: false));
        await WokenAsync("uid-1");      // the first list: a change before the watch began is not lost
        _woken.Clear();
        await api.UpdateAsync(ResourceTypes.ConfigMaps, ConfigMap(name, "two") with { Metadata = (await api.GetAsync(ResourceTypes.ConfigMaps, "default", name)).Metadata });

        await WokenAsync("uid-1");
    }

    [Fact]
    public async Task Track_SecretCreatedAfterThePodThenDeleted_WakesThePodEachTime()
    {
        using var api = fixture.Server.Client();
        var name = Unique("secret");
        using var watches = Watches(api);
        watches.Track("uid-1", PodWithVolume(name, secret: true));
        await WokenAsync("uid-1");
        _woken.Clear();

        await api.CreateAsync(ResourceTypes.Secrets, new Secret { Metadata = new ObjectMeta { Name = name, Namespace = "default" }, StringData = new() { ["k"] = "v" } });
        await WokenAsync("uid-1");
        _woken.Clear();
        await api.DeleteAsync(ResourceTypes.Secrets, "default", name);
        await WokenAsync("uid-1");
    }

    [Fact]
    public async Task Forget_LastOfTwoPodsReferencingTheObject_StopsItsWatchOnlyThen()
    {
        using var api = fixture.Server.Client();
        var name = Unique("cm");
        using var watches = Watches(api);
        var key = new ObjectKey(ResourceTypes.ConfigMaps, "default", name);
        watches.Track("uid-1", PodWithVolume(name, secret: false));
        await WokenAsync("uid-1");      // the watch's first list wakes its pods: let it pass before uid-1 is forgotten
        watches.Track("uid-2", PodWithVolume(name, secret: false));
        Assert.Equal([key], watches.WatchedObjects);
        _woken.Clear();

        watches.Forget("uid-1");
        Assert.Equal([key], watches.WatchedObjects);
        await api.CreateAsync(ResourceTypes.ConfigMaps, ConfigMap(name, "one"));
        await WokenAsync("uid-2");
        Assert.DoesNotContain("uid-1", _woken);

        watches.Forget("uid-2");
        Assert.Empty(watches.WatchedObjects);
    }

    [Fact]
    public async Task Track_PodSpecNoLongerReferencesTheObject_StopsItsWatch()
    {
        using var api = fixture.Server.Client();
        using var watches = Watches(api);
        var first = Unique("cm");
        var second = Unique("cm");
        watches.Track("uid-1", PodWithVolume(first, secret: false));

        watches.Track("uid-1", PodWithVolume(second, secret: false));

        Assert.Equal([new ObjectKey(ResourceTypes.ConfigMaps, "default", second)], watches.WatchedObjects);
    }

    private ReferencedObjectWatches Watches(Api.Client.DroverClient api) =>
        new(api, _woken.Enqueue, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), TimeProvider.System, NullLogger.Instance);

    private async Task WokenAsync(string uid)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!_woken.Contains(uid))
        {
            Assert.True(DateTime.UtcNow < deadline, $"pod {uid} was not woken within {Patience}");
            await Task.Delay(20);
        }
    }

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static ConfigMap ConfigMap(string name, string value) =>
        new() { Metadata = new ObjectMeta { Name = name, Namespace = "default" }, Data = new() { ["greeting"] = value } };

    private static Pod PodWithVolume(string name, bool secret) => new()
    {
        Metadata = new ObjectMeta { Name = "p", Namespace = "default" },
        Spec = new PodSpec
        {
            Containers = [new Container { Name = "c", Image = "busybox" }],
            Volumes = [secret
                ? new Volume { Name = "v", Secret = new SecretVolumeSource { SecretName = name } }
                : new Volume { Name = "v", ConfigMap = new ConfigMapVolumeSource { Name = name } }],
        },
    };
}
