using Drover.Api;
using Drover.ControlPlane.Registry;
using Drover.ControlPlane.Testing;
using Drover.Store;

namespace Drover.ControlPlane.Controllers.Tests;

/// <summary>The one status write of the workload controllers, over droverd's registry on a real SQLite store.</summary>
public sealed class StatusWriterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = Workloads.T0;
    private readonly string _directory = Directory.CreateTempSubdirectory("status-writer-test-").FullName;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private SqliteStore _store = null!;
    private ObjectService _registry = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteStore.OpenAsync(Path.Combine(_directory, "state.db"), null, _timeout.Token);
        _registry = InProcessRegistry.Create(_store, TimeProvider.System, new ServerOptions { DataDirectory = _directory });
        await Bootstrap.EnsureAsync(_registry, _timeout.Token);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _timeout.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task WriteAsync_StaleCachedCopy_WritesOnceMoreOnTheStoredObject()
    {
        var cached = await CreateAsync("web");
        // Someone writes after the controller's cache saw the object: the cached resourceVersion is stale.
        await _registry.UpdateAsync(ResourceTypes.ReplicaSets, cached with { Metadata = cached.Metadata with { Labels = new() { ["app"] = "web", ["tier"] = "x" } } }, statusOnly: false, _timeout.Token);

        var plain = await Assert.ThrowsAsync<ApiException>(() => _registry.UpdateAsync(ResourceTypes.ReplicaSets, cached with { Status = Status(3) }, statusOnly: true, _timeout.Token));
        Assert.Equal(409, plain.Status.Code);

        await StatusWriter.WriteAsync(_registry, ResourceTypes.ReplicaSets, cached, rs => rs with { Status = Status(3) }, _timeout.Token);

        var stored = await _registry.GetAsync(ResourceTypes.ReplicaSets, "default", "web", _timeout.Token);
        Assert.Equal(3, stored!.Status!.Replicas);
        Assert.Equal("x", stored.Metadata.Labels!["tier"]);
    }

    [Fact]
    public async Task WriteAsync_StatusNoLongerHoldsForTheStoredObject_WritesNothing()
    {
        var cached = await CreateAsync("web");
        await _registry.UpdateAsync(ResourceTypes.ReplicaSets, cached with { Spec = cached.Spec with { Replicas = 5 } }, statusOnly: false, _timeout.Token);

        await StatusWriter.WriteAsync(_registry, ResourceTypes.ReplicaSets, cached,
            rs => rs.Metadata.Generation != cached.Metadata.Generation ? null : rs with { Status = Status(3) }, _timeout.Token);

        var stored = await _registry.GetAsync(ResourceTypes.ReplicaSets, "default", "web", _timeout.Token);
        Assert.NotEqual(3, stored!.Status?.Replicas);
    }

    [Fact]
    public async Task WriteAsync_ObjectDeletedMeanwhile_NoError()
    {
        var cached = await CreateAsync("gone");
        await _registry.DeleteAsync(ResourceTypes.ReplicaSets, "default", "gone", gracePeriodSeconds: null, _timeout.Token);

        await StatusWriter.WriteAsync(_registry, ResourceTypes.ReplicaSets, cached, rs => rs with { Status = Status(1) }, _timeout.Token);

        Assert.Null(await _registry.GetAsync(ResourceTypes.ReplicaSets, "default", "gone", _timeout.Token));
    }

    [Fact]
    public async Task WriteOnCachedAsync_CachedCopyCurrent_Written()
    {
        var cached = await CreateAsync("current");

        var written = await StatusWriter.WriteOnCachedAsync(_registry, ResourceTypes.ReplicaSets, cached, rs => rs with { Status = Status(2) }, _timeout.Token);

        Assert.NotNull(written);
        Assert.Equal(2, (await _registry.GetAsync(ResourceTypes.ReplicaSets, "default", "current", _timeout.Token))!.Status!.Replicas);
    }

    [Fact]
    public async Task WriteOnCachedAsync_StaleCachedCopy_409WritesNothingOverTheNewerObject()
    {
        var cached = await CreateAsync("stale");
        // Another sync's status landed after the cache saw the object.
        var newer = await _registry.UpdateAsync(ResourceTypes.ReplicaSets, cached with { Status = Status(7) }, statusOnly: true, _timeout.Token);

        var written = await StatusWriter.WriteOnCachedAsync(_registry, ResourceTypes.ReplicaSets, cached, rs => rs with { Status = Status(3) }, _timeout.Token);

        Assert.Null(written);
        var stored = await _registry.GetAsync(ResourceTypes.ReplicaSets, "default", "stale", _timeout.Token);
        Assert.Equal(7, stored!.Status!.Replicas);
        Assert.Equal(newer.Metadata.ResourceVersion, stored.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task WriteOnCachedAsync_ObjectDeletedMeanwhile_NoError()
    {
        var cached = await CreateAsync("deleted");
        await _registry.DeleteAsync(ResourceTypes.ReplicaSets, "default", "deleted", gracePeriodSeconds: null, _timeout.Token);

        Assert.Null(await StatusWriter.WriteOnCachedAsync(_registry, ResourceTypes.ReplicaSets, cached, rs => rs with { Status = Status(1) }, _timeout.Token));
    }

    // The CronJob controller's status carries the old status's times and active Jobs: a status computed from a stale
    // cached CronJob must not take back what a newer one holds (a later lastScheduleTime, a Job the stale sync did not see).
    [Fact]
    public async Task CronJobWriteStatus_StaleCachedCronJob_409LeavesTheNewerStatus()
    {
        var cached = await CreateCronJobAsync();
        // The controller's own earlier sync (or another writer) stored the 12:10 run; the cache still has the 12:05 one.
        var newer = await _registry.UpdateAsync(ResourceTypes.CronJobs, cached with { Status = CronStatus(T0.AddMinutes(10), "upload-b") }, statusOnly: true, _timeout.Token);
        var stale = CronStatus(T0.AddMinutes(5), "upload-a");

        var written = await CronJobs.CronJobController.WriteStatusAsync(_registry, cached, stale, _timeout.Token);

        Assert.Null(written);
        var stored = await _registry.GetAsync(ResourceTypes.CronJobs, "default", "upload", _timeout.Token);
        Assert.Equal(T0.AddMinutes(10), stored!.Status!.LastScheduleTime);
        Assert.Equal("upload-b", Assert.Single(stored.Status.Active!).Name);
        Assert.Equal(newer.Metadata.ResourceVersion, stored.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task CronJobWriteStatus_CurrentCachedCronJob_WrittenOnceAndNotAgain()
    {
        var cached = await CreateCronJobAsync();
        var status = CronStatus(T0.AddMinutes(5), "upload-a");

        var written = await CronJobs.CronJobController.WriteStatusAsync(_registry, cached, status, _timeout.Token);

        Assert.NotNull(written);
        Assert.Equal(T0.AddMinutes(5), written.Status!.LastScheduleTime);
        // The same status again is no write at all (and so no new resourceVersion).
        Assert.Null(await CronJobs.CronJobController.WriteStatusAsync(_registry, written, status, _timeout.Token));
    }

    private static ReplicaSetStatus Status(int replicas) => new() { Replicas = replicas, ObservedGeneration = 1 };

    private Task<ReplicaSet> CreateAsync(string name) => _registry.CreateAsync(ResourceTypes.ReplicaSets, new ReplicaSet
    {
        ApiVersion = "apps/v1",
        Kind = "ReplicaSet",
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new ReplicaSetSpec
        {
            Replicas = 1,
            Selector = new LabelSelector { MatchLabels = new() { ["app"] = "web" } },
            Template = Workloads.Template(),
        },
    }, _timeout.Token);

    private static CronJobStatus CronStatus(DateTimeOffset lastSchedule, string activeJob) => new()
    {
        LastScheduleTime = lastSchedule,
        Active = [new ObjectReference { ApiVersion = "batch/v1", Kind = "Job", Namespace = "default", Name = activeJob, Uid = activeJob + "-uid" }],
    };

    private Task<CronJob> CreateCronJobAsync() => _registry.CreateAsync(ResourceTypes.CronJobs, new CronJob
    {
        ApiVersion = "batch/v1",
        Kind = "CronJob",
        Metadata = new ObjectMeta { Name = "upload", Namespace = "default" },
        Spec = new CronJobSpec
        {
            Schedule = "*/5 * * * *",
            JobTemplate = new JobTemplateSpec
            {
                Spec = new JobSpec { Template = new PodTemplateSpec { Spec = new PodSpec { RestartPolicy = "OnFailure", Containers = [new Container { Name = "c", Image = "uploader:1" }] } } },
            },
        },
    }, _timeout.Token);
}
