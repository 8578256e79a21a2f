using Drover.Api;
using Drover.ControlPlane.Events;
using Drover.ControlPlane.Informers;
using Drover.ControlPlane.Registry;
using Drover.ControlPlane.Testing;
using Drover.Store;
using Drover.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.ControlPlane.Controllers.CronJobs.Tests;

/// <summary>The CronJob controller in process over a real SQLite store, on a clock the test moves from schedule to schedule.</summary>
public sealed class CronJobControllerTests : IAsyncLifetime
{
    private const string Ns = "default";
    private readonly string _directory = Directory.CreateTempSubdirectory("cronjob-controller-test-").FullName;
    private readonly ManualTimeProvider _time = new(Controllers.Tests.Workloads.T0);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(120));
    private SqliteStore _store = null!;
    private ObjectService _registry = null!;
    private SharedInformers _informers = null!;
    private EventWriter _events = null!;
    private CronJobController _controller = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteStore.OpenAsync(Path.Combine(_directory, "state.db"), null, _timeout.Token);
        _registry = InProcessRegistry.Create(_store, _time, new ServerOptions { DataDirectory = _directory });
        await Bootstrap.EnsureAsync(_registry, _timeout.Token);
        _informers = new SharedInformers(_registry, NullLoggerFactory.Instance);
        _events = new EventWriter(_registry, _time, NullLogger<EventWriter>.Instance);
        _controller = new CronJobController(_registry, _informers, _events, _time, NullLogger<CronJobController>.Instance);
        await _informers.StartAsync(_timeout.Token);
        await _events.StartAsync(_timeout.Token);
        await _controller.StartAsync(_timeout.Token);
    }

    public async Task DisposeAsync()
    {
        await _controller.StopAsync(CancellationToken.None);
        await _events.StopAsync(CancellationToken.None);
        await _informers.StopAsync(CancellationToken.None);
        _controller.Dispose();
        _events.Dispose();
        _informers.Dispose();
        await _store.DisposeAsync();
        _timeout.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Sync_ClockReachesEachTime_OneJobPerTimeForbidWhileRunningAndStatus()
    {
        await _registry.CreateAsync(ResourceTypes.CronJobs, NewCronJob("*/5 * * * *", "Forbid"), _timeout.Token);
        await Task.Delay(300);
        Assert.Empty(await JobsAsync(_ => true, "jobs"));

        // The controller looks again at the next time (12:05), a moment after it.
        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var first = Assert.Single(await JobsAsync(j => j.Count == 1, "the 12:05 job"));
        Assert.Equal("upload-" + (Controllers.Tests.Workloads.T0.AddMinutes(5).ToUnixTimeSeconds() / 60), first.Metadata.Name);
        Assert.Equal(("CronJob", "upload", true), (first.Metadata.OwnerReferences![0].Kind, first.Metadata.OwnerReferences[0].Name, first.Metadata.OwnerReferences[0].Controller == true));
        var status = (await CronJobAsync(c => c.Status?.Active?.Count == 1, "one active")).Status!;
        Assert.Equal(Controllers.Tests.Workloads.T0.AddMinutes(5), status.LastScheduleTime);

        // Still running at 12:10: Forbid starts nothing.
        _time.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(500);
        Assert.Single(await JobsAsync(_ => true, "jobs"));

        await CompleteAsync(first);
        // The 12:10 time is still due once the running Job is done (no startingDeadlineSeconds).
        var jobs = await JobsAsync(j => j.Count == 2, "the 12:10 job after the first completed");
        var done = await CronJobAsync(c => c.Status?.LastSuccessfulTime is not null && c.Status.Active?.Count == 1, "lastSuccessfulTime");
        Assert.Equal(Controllers.Tests.Workloads.T0.AddMinutes(10), done.Status!.LastScheduleTime);
        Assert.Contains(jobs, j => j.Metadata.Name!.EndsWith((Controllers.Tests.Workloads.T0.AddMinutes(10).ToUnixTimeSeconds() / 60).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    private static CronJob NewCronJob(string schedule, string policy) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "CronJob",
        Metadata = new ObjectMeta { Name = "upload", Namespace = Ns },
        Spec = new CronJobSpec
        {
            Schedule = schedule,
            ConcurrencyPolicy = policy,
            JobTemplate = new JobTemplateSpec
            {
                Spec = new JobSpec { Template = new PodTemplateSpec { Spec = new PodSpec { RestartPolicy = "OnFailure", Containers = [new Container { Name = "c", Image = "uploader:1" }] } } },
            },
        },
    };

    private Task<List<Job>> JobsAsync(Func<List<Job>, bool> done, string what) =>
        Poll.UntilAsync(async () =>
        {
            var page = await _registry.ListAsync(ResourceTypes.Jobs, Ns, null, 0, null, share: false, _timeout.Token);
            return page.Items.Select(i => (Job)i.Object).ToList();
        }, done, what, TimeSpan.FromSeconds(30));

    private Task<CronJob> CronJobAsync(Func<CronJob, bool> done, string what) =>
        Poll.UntilAsync(async () => (CronJob)(await _registry.GetAsync(ResourceTypes.CronJobs, Ns, "upload", _timeout.Token))!, done, what, TimeSpan.FromSeconds(30));

    /// <summary>Marks the Job complete as its controller would (no Job controller runs here).</summary>
    private async Task CompleteAsync(Job job)
    {
        var now = _time.GetUtcNow();
        var current = (Job)(await _registry.GetAsync(ResourceTypes.Jobs, Ns, job.Metadata.Name!, _timeout.Token))!;
        await _registry.UpdateAsync(ResourceTypes.Jobs, current with
        {
            Status = new JobStatus
            {
                Succeeded = 1,
                StartTime = now,
                CompletionTime = now,
                Conditions = [new JobCondition { Type = "Complete", Status = "True", LastTransitionTime = now }],
            },
        }, statusOnly: true, _timeout.Token);
    }
}
