using Drover.Api;
using Drover.ControlPlane.Registry;
using Drover.ControlPlane.Testing;
using Drover.Store;

namespace Drover.ControlPlane.Controllers.CronJobs.Tests;

/// <summary>
/// The CronJob controller's status write when it conflicts, over droverd's registry on a real SQLite store: a status
/// computed from a stale cached CronJob must not take back what a newer one holds (a later lastScheduleTime, an
/// active Job the stale sync did not see).
/// </summary>
public sealed class CronJobStatusWriteTests : IAsyncLifetime
{
    private const string Ns = "default";
    private static readonly DateTimeOffset T0 = Controllers.Tests.Workloads.T0;
    private readonly string _directory = Directory.CreateTempSubdirectory("cronjob-status-test-").FullName;
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
    public async Task WriteStatus_StaleCachedCronJob_409LeavesTheNewerStatus()
    {
        var cached = await CreateAsync();
        // The controller's own earlier sync (or another writer) stored the 12:10 run; the cache still has the 12:05 one.
        var newer = await _registry.UpdateAsync(ResourceTypes.CronJobs, cached with { Status = Status(T0.AddMinutes(10), "upload-b") }, statusOnly: true, _timeout.Token);
        var stale = Status(T0.AddMinutes(5), "upload-a");

        var written = await CronJobController.WriteStatusAsync(_registry, cached, stale, _timeout.Token);

        Assert.Null(written);
        var stored = await _registry.GetAsync(ResourceTypes.CronJobs, Ns, "upload", _timeout.Token);
        Assert.Equal(T0.AddMinutes(10), stored!.Status!.LastScheduleTime);
        Assert.Equal("upload-b", Assert.Single(stored.Status.Active!).Name);
        Assert.Equal(newer.Metadata.ResourceVersion, stored.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task WriteStatus_CurrentCachedCronJob_WrittenOnceAndNotAgain()
    {
        var cached = await CreateAsync();
        var status = Status(T0.AddMinutes(5), "upload-a");

        var written = await CronJobController.WriteStatusAsync(_registry, cached, status, _timeout.Token);

        Assert.NotNull(written);
        Assert.Equal(T0.AddMinutes(5), written.Status!.LastScheduleTime);
        // The same status again is no write at all (and so no new resourceVersion).
        Assert.Null(await CronJobController.WriteStatusAsync(_registry, written, status, _timeout.Token));
    }

    private static CronJobStatus Status(DateTimeOffset lastSchedule, string activeJob) => new()
    {
        LastScheduleTime = lastSchedule,
        Active = [new ObjectReference { ApiVersion = "batch/v1", Kind = "Job", Namespace = Ns, Name = activeJob, Uid = activeJob + "-uid" }],
    };

    private Task<CronJob> CreateAsync() => _registry.CreateAsync(ResourceTypes.CronJobs, new CronJob
    {
        ApiVersion = "batch/v1",
        Kind = "CronJob",
        Metadata = new ObjectMeta { Name = "upload", Namespace = Ns },
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
