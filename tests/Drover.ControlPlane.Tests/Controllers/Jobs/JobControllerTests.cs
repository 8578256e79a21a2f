using Drover.Api;
using Drover.ControlPlane.Events;
using Drover.ControlPlane.Informers;
using Drover.ControlPlane.Registry;
using Drover.ControlPlane.Testing;
using Drover.Store;
using Drover.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.ControlPlane.Controllers.Jobs.Tests;

/// <summary>
/// The Job controller in process over a real SQLite store and droverd's registry, with a clock the test moves: pods
/// are reported finished by writing their status, as a node would.
/// </summary>
public sealed class JobControllerTests : IAsyncLifetime
{
    private const string Ns = "default";
    private readonly string _directory = Directory.CreateTempSubdirectory("job-controller-test-").FullName;
    private readonly ManualTimeProvider _time = new(Controllers.Tests.Workloads.T0);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(120));
    private SqliteStore _store = null!;
    private ObjectService _registry = null!;
    private SharedInformers _informers = null!;
    private EventWriter _events = null!;
    private JobController _controller = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteStore.OpenAsync(Path.Combine(_directory, "state.db"), null, _timeout.Token);
        _registry = InProcessRegistry.Create(_store, _time, new ServerOptions { DataDirectory = _directory });
        await Bootstrap.EnsureAsync(_registry, _timeout.Token);
        _informers = new SharedInformers(_registry, NullLoggerFactory.Instance);
        _events = new EventWriter(_registry, _time, NullLogger<EventWriter>.Instance);
        _controller = new JobController(_registry, _informers, _events, _time, NullLogger<JobController>.Instance);
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
    public async Task Sync_CompletionsAndParallelism_PodsLabelledOwnedAndJobCompletes()
    {
        var job = await CreateAsync(NewJob("pi", completions: 3, parallelism: 2));

        var first = await PodsAsync(p => p.Count == 2, "two pods (parallelism 2)");
        Assert.All(first, pod =>
        {
            Assert.StartsWith("pi-", pod.Metadata.Name, StringComparison.Ordinal);
            Assert.Equal("pi", pod.Metadata.Labels![JobLabels.JobName]);
            Assert.Equal("pi", pod.Metadata.Labels![JobLabels.LegacyJobName]);
            Assert.Equal(job.Metadata.Uid, pod.Metadata.Labels![JobLabels.ControllerUid]);
            Assert.Equal(job.Metadata.Uid, pod.Metadata.Labels![JobLabels.LegacyControllerUid]);
            var owner = Assert.Single(pod.Metadata.OwnerReferences!);
            Assert.Equal(("batch/v1", "Job", "pi", job.Metadata.Uid, true, true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        });
        Assert.Equal(job.Metadata.Uid, job.Spec.Selector!.MatchLabels![JobLabels.ControllerUid]);
        var running = await JobAsync("pi", j => j.Status?.Active == 2, "active 2");
        Assert.Equal(Controllers.Tests.Workloads.T0, running.Status!.StartTime);

        await FinishAsync(first[0], "Succeeded");
        // One done, two to go, two may run: one more pod.
        await PodsAsync(p => p.Count(x => x.Status?.Phase != "Succeeded") == 2, "a third pod");
        foreach (var pod in await PodsAsync(p => p.Count == 3, "three pods"))
        {
            if (pod.Status?.Phase != "Succeeded")
                await FinishAsync(pod, "Succeeded");
        }

        var done = await JobAsync("pi", j => j.Status?.Conditions?.Any(c => c.Type == "Complete") == true, "the Complete condition");
        Assert.Equal((3, (int?)null, (int?)null), (done.Status!.Succeeded, done.Status.Active, done.Status.Failed));
        Assert.NotNull(done.Status.CompletionTime);
        var complete = Assert.Single(done.Status.Conditions!);
        Assert.Equal(("True", "CompletionsReached"), (complete.Status, complete.Reason));
        Assert.Equal(3, (await PodsAsync(p => p.Count == 3, "no fourth pod")).Count);
    }

    [Fact]
    public async Task Sync_PodFailsWithRestartNever_ReplacedOnlyAfterBackoffThenBackoffLimitExceeded()
    {
        await CreateAsync(NewJob("flaky", backoffLimit: 1));
        var first = Assert.Single(await PodsAsync(p => p.Count == 1, "one pod"));

        await FinishAsync(first, "Failed");
        await JobAsync("flaky", j => j.Status?.Failed == 1, "failed 1");
        // The backoff after one failure is 10 s: no replacement before it.
        _time.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(300);
        Assert.Single(await PodsAsync(_ => true, "pods"));
        _time.Advance(TimeSpan.FromSeconds(6));
        var second = await PodsAsync(p => p.Count == 2, "a replacement after the backoff");

        await FinishAsync(second.Single(p => p.Status?.Phase != "Failed"), "Failed");

        var failed = await JobAsync("flaky", j => j.Status?.Conditions?.Any(c => c.Type == "Failed") == true, "the Failed condition");
        var condition = failed.Status!.Conditions!.Single(c => c.Type == "Failed");
        Assert.Equal(("True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"), (condition.Status, condition.Reason, condition.Message));
        Assert.Equal(2, failed.Status.Failed);
        Assert.Null(failed.Status.CompletionTime);
        _time.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(300);
        Assert.Equal(2, (await PodsAsync(_ => true, "pods")).Count);
    }

    [Fact]
    public async Task Sync_ActiveDeadlinePassed_FailedAndRunningPodsDeleted()
    {
        await CreateAsync(NewJob("slow", activeDeadlineSeconds: 30, parallelism: 2, completions: 2));
        await PodsAsync(p => p.Count == 2, "two pods");

        _time.Advance(TimeSpan.FromSeconds(31));

        var failed = await JobAsync("slow", j => j.Status?.Conditions?.Any(c => c.Type == "Failed") == true, "the Failed condition");
        Assert.Equal("DeadlineExceeded", failed.Status!.Conditions!.Single(c => c.Type == "Failed").Reason);
        await PodsAsync(p => p.All(x => x.Metadata.DeletionTimestamp is not null) || p.Count == 0, "running pods deleted");
    }

    [Fact]
    public async Task Sync_ActiveDeadlinePassed_FailedConditionStoredBeforeAnyPodIsDeleted()
    {
        var job = await CreateAsync(NewJob("ordered", activeDeadlineSeconds: 30, parallelism: 2, completions: 2));
        await PodsAsync(p => p.Count == 2, "two pods");

        _time.Advance(TimeSpan.FromSeconds(31));
        await PodsAsync(p => p.All(x => x.Metadata.DeletionTimestamp is not null) || p.Count == 0, "running pods deleted");

        // The store's history in order: a sync that ran between a deletion and the condition's write saw a Job that had
        // not failed and no running pod, and started a replacement (an OnFailure Job's restarts go with its pod).
        long failedAt = 0, firstDeletion = 0;
        using var read = CancellationTokenSource.CreateLinkedTokenSource(_timeout.Token);
        read.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await foreach (var ev in _registry.WatchAsync(null, Ns, ResourceVersions.Of(job) - 1, read.Token))
            {
                if (failedAt == 0 && ev.Current.Object is Job { Status.Conditions: { } conditions } && conditions.Any(c => c.Type == "Failed"))
                    failedAt = ev.Current.Revision;
                if (firstDeletion == 0 && ev.Current.Object is Pod && (ev.Type == ObjectEventType.Deleted || ev.Current.Metadata.DeletionTimestamp is not null))
                    firstDeletion = ev.Current.Revision;
                if (failedAt != 0 && firstDeletion != 0)
                    break;
            }
        }
        catch (OperationCanceledException) when (!_timeout.IsCancellationRequested)
        {
            // The history ended without one of the two.
        }
        Assert.True(failedAt != 0 && firstDeletion != 0, $"condition at {failedAt}, first pod deletion at {firstDeletion}");
        Assert.True(failedAt < firstDeletion, $"condition at {failedAt}, first pod deletion at {firstDeletion}");
    }

    [Fact]
    public async Task Sync_TtlSecondsAfterFinished_JobDeletedWhenItPasses()
    {
        await CreateAsync(NewJob("short-lived", ttlSecondsAfterFinished: 60));
        await FinishAsync(Assert.Single(await PodsAsync(p => p.Count == 1, "one pod")), "Succeeded");
        await JobAsync("short-lived", j => j.Status?.CompletionTime is not null, "completion");

        _time.Advance(TimeSpan.FromSeconds(30));
        await Task.Delay(300);
        Assert.NotNull(await _registry.GetAsync(ResourceTypes.Jobs, Ns, "short-lived", _timeout.Token));
        _time.Advance(TimeSpan.FromSeconds(31));

        await Poll.UntilAsync(() => _registry.GetAsync(ResourceTypes.Jobs, Ns, "short-lived", _timeout.Token), j => j is null, "the Job deleted");
    }

    [Fact]
    public async Task Sync_SuspendedThenResumed_NoPodsUntilResumed()
    {
        var job = await CreateAsync(NewJob("later") with { Spec = NewJob("later").Spec with { Suspend = true } });
        var suspended = await JobAsync("later", j => j.Status?.Conditions?.Any(c => c.Type == "Suspended" && c.Status == "True") == true, "Suspended");
        Assert.Null(suspended.Status!.StartTime);
        Assert.Empty(await PodsAsync(_ => true, "pods"));

        var current = (Job)(await _registry.GetAsync(ResourceTypes.Jobs, Ns, "later", _timeout.Token))!;
        await _registry.UpdateAsync(ResourceTypes.Jobs, current with { Spec = current.Spec with { Suspend = false } }, statusOnly: false, _timeout.Token);

        await PodsAsync(p => p.Count == 1, "a pod once resumed");
        var resumed = await JobAsync("later", j => j.Status?.Conditions?.Any(c => c.Type == "Suspended" && c.Status == "False") == true, "Resumed");
        Assert.Equal("JobResumed", resumed.Status!.Conditions!.Single(c => c.Type == "Suspended").Reason);
        Assert.NotNull(job.Metadata.Uid);
    }

    [Fact]
    public async Task Sync_FinishedPodDeletedAtOnce_StillCountedThroughTheTrackingFinalizer()
    {
        await CreateAsync(NewJob("tracked", completions: 2, parallelism: 2));
        var pods = await PodsAsync(p => p.Count == 2, "two pods");
        Assert.All(pods, pod => Assert.Contains(JobLabels.TrackingFinalizer, pod.Metadata.Finalizers!));

        // Someone deletes the pod the moment it succeeds: the finalizer keeps it until the controller has counted it.
        await FinishAsync(pods[0], "Succeeded");
        await _registry.DeleteAsync(ResourceTypes.Pods, Ns, pods[0].Metadata.Name!, gracePeriodSeconds: 0, _timeout.Token);
        await PodsAsync(p => p.All(x => x.Metadata.Name != pods[0].Metadata.Name), "the deleted pod gone once counted");
        var counted = await JobAsync("tracked", j => j.Status?.Succeeded == 1, "succeeded 1");
        Assert.Null(counted.Status!.UncountedTerminatedPods?.Succeeded);

        await FinishAsync(pods[1], "Succeeded");
        var done = await JobAsync("tracked", j => j.Status?.Conditions?.Any(c => c.Type == "Complete") == true, "Complete");
        Assert.Equal((2, (int?)null), (done.Status!.Succeeded, done.Status.Failed));
        var left = await PodsAsync(p => p.All(x => x.Metadata.Finalizers is null), "finalizers off");
        Assert.Single(left);
    }

    [Fact]
    public async Task Sync_RunningPodDeleted_CountedAsFailedAndReplaced()
    {
        await CreateAsync(NewJob("evicted", backoffLimit: 3));
        var pod = Assert.Single(await PodsAsync(p => p.Count == 1, "one pod"));

        await _registry.DeleteAsync(ResourceTypes.Pods, Ns, pod.Metadata.Name!, gracePeriodSeconds: 0, _timeout.Token);

        var job = await JobAsync("evicted", j => j.Status?.Failed == 1, "failed 1 (a deleted pod is a failure, as in Kubernetes)");
        Assert.Null(job.Status!.UncountedTerminatedPods?.Failed);
        await PodsAsync(p => p.All(x => x.Metadata.Name != pod.Metadata.Name), "the deleted pod released");
    }

    [Fact]
    public async Task Sync_Indexed_EachIndexOnceLowestFirstWithIndexEnvHostnameAndCompletedIndexes()
    {
        var indexed = NewJob("idx", completions: 3, parallelism: 2);
        await CreateAsync(indexed with { Spec = indexed.Spec with { CompletionMode = "Indexed" } });

        var first = await PodsAsync(p => p.Count == 2, "two pods");
        Assert.Equal(new[] { "0", "1" }, first.Select(p => p.Metadata.Annotations![JobLabels.CompletionIndex]).Order());
        foreach (var pod in first)
        {
            var index = pod.Metadata.Annotations![JobLabels.CompletionIndex];
            Assert.Equal(index, pod.Metadata.Labels![JobLabels.CompletionIndex]);
            Assert.Equal("idx-" + index, pod.Spec.Hostname);
            Assert.StartsWith($"idx-{index}-", pod.Metadata.Name, StringComparison.Ordinal);
            var env = Assert.Single(pod.Spec.Containers[0].Env!, e => e.Name == "JOB_COMPLETION_INDEX");
            Assert.Equal("metadata.annotations['batch.kubernetes.io/job-completion-index']", env.ValueFrom!.FieldRef!.FieldPath);
        }

        await FinishAsync(first.Single(p => p.Metadata.Annotations![JobLabels.CompletionIndex] == "1"), "Succeeded");
        var next = await PodsAsync(p => p.Count == 3, "index 2 started");
        Assert.Equal("2", next.Single(p => first.All(f => f.Metadata.Name != p.Metadata.Name)).Metadata.Annotations![JobLabels.CompletionIndex]);
        Assert.Equal("1", (await JobAsync("idx", j => j.Status?.CompletedIndexes == "1", "completedIndexes 1")).Status!.CompletedIndexes);

        foreach (var pod in next.Where(p => p.Status?.Phase != "Succeeded"))
            await FinishAsync(pod, "Succeeded");
        var done = await JobAsync("idx", j => j.Status?.Conditions?.Any(c => c.Type == "Complete") == true, "Complete");
        Assert.Equal(("0-2", 3), (done.Status!.CompletedIndexes, done.Status.Succeeded));
    }

    [Fact]
    public async Task Sync_PodWithTheFinalizerAndNoJob_FinalizerRemoved()
    {
        var orphan = new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta
            {
                Name = "orphan",
                Namespace = Ns,
                Finalizers = [JobLabels.TrackingFinalizer],
                OwnerReferences = [new OwnerReference { ApiVersion = "batch/v1", Kind = "Job", Name = "gone", Uid = "no-such-uid", Controller = true }],
            },
            Spec = new PodSpec { Containers = [new Container { Name = "work", Image = "busybox:1" }] },
        };
        await _registry.CreateAsync(ResourceTypes.Pods, orphan, _timeout.Token);

        await PodsAsync(p => p.Single().Metadata.Finalizers is null, "the orphan's finalizer removed");
    }

    private static Job NewJob(string name, int? completions = null, int? parallelism = null, int? backoffLimit = null,
        long? activeDeadlineSeconds = null, int? ttlSecondsAfterFinished = null) => new()
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new ObjectMeta { Name = name, Namespace = Ns },
            Spec = new JobSpec
            {
                Completions = completions,
                Parallelism = parallelism,
                BackoffLimit = backoffLimit,
                ActiveDeadlineSeconds = activeDeadlineSeconds,
                TtlSecondsAfterFinished = ttlSecondsAfterFinished,
                Template = new PodTemplateSpec
                {
                    Spec = new PodSpec { RestartPolicy = "Never", Containers = [new Container { Name = "work", Image = "busybox:1" }] },
                },
            },
        };

    private async Task<Job> CreateAsync(Job job) => await _registry.CreateAsync(ResourceTypes.Jobs, job, _timeout.Token);

    private Task<List<Pod>> PodsAsync(Func<List<Pod>, bool> done, string what) =>
        Poll.UntilAsync(async () =>
        {
            var page = await _registry.ListAsync(ResourceTypes.Pods, Ns, null, 0, null, share: false, _timeout.Token);
            return page.Items.Select(i => (Pod)i.Object).ToList();
        }, done, what, TimeSpan.FromSeconds(30));

    private Task<Job> JobAsync(string name, Func<Job, bool> done, string what) =>
        Poll.UntilAsync(async () => (Job)(await _registry.GetAsync(ResourceTypes.Jobs, Ns, name, _timeout.Token))!, done, what, TimeSpan.FromSeconds(30));

    /// <summary>Reports <paramref name="pod"/> finished in <paramref name="phase"/> now, as its node would.</summary>
    private async Task FinishAsync(Pod pod, string phase)
    {
        var now = _time.GetUtcNow();
        var current = (Pod)(await _registry.GetAsync(ResourceTypes.Pods, Ns, pod.Metadata.Name!, _timeout.Token))!;
        await _registry.UpdateAsync(ResourceTypes.Pods, current with
        {
            Status = new PodStatus
            {
                Phase = phase,
                StartTime = now,
                ContainerStatuses =
                [
                    new ContainerStatus
                    {
                        Name = "work",
                        State = new ContainerState { Terminated = new ContainerStateTerminated { ExitCode = phase == "Succeeded" ? 0 : 1, FinishedAt = now } },
                    },
                ],
            },
        }, statusOnly: true, _timeout.Token);
    }
}
