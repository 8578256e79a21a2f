using Drover.Api;
using Drover.Testing;

namespace Drover.E2E.Cluster.Tests;

/// <summary>
/// Init containers on real pods, on the ingress test's cluster (real containerd and drover-agent): they run one at a
/// time, in order, each to success, before the app containers, sharing the pod's emptyDir; a failed one fails the pod
/// under restartPolicy Never and is run again under OnFailure; statuses and `drover get` read as with kubectl.
/// </summary>
[Collection(IngressEndToEndCollection.Name)]
[Trait("Category", "Process")]
public sealed class InitContainersEndToEndTests(IngressEndToEndFixture fixture)
{
    private const string Ns = "default";
    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Create_TwoInitContainers_RunInOrderToCompletionBeforeTheApp()
    {
        var name = await CreateAsync("init-order", "Never",
            [Step("first", "echo one > /work/out; echo first done"), Step("second", "sleep 3; echo two >> /work/out")],
            "cat /work/out");
        try
        {
            // While the second runs, kubectl's column says which of the two is going.
            await WaitAsync(name, p => p.Status?.InitContainerStatuses is [{ State.Terminated.ExitCode: 0 }, { State.Running: not null }], "the second init container running");
            var listed = await Cluster.CliAsync("get", "pod", name);
            Assert.True(listed.Stdout.Contains("Init:1/2", StringComparison.Ordinal), listed.ToString());

            var pod = await WaitAsync(name, p => p.Status?.Phase == "Succeeded", "Succeeded");
            var (first, second) = (pod.Status!.InitContainerStatuses![0], pod.Status.InitContainerStatuses[1]);
            Assert.All(pod.Status.InitContainerStatuses, s => Assert.True(s.Ready && s.State?.Terminated?.ExitCode == 0, s.Name));
            var app = Assert.Single(pod.Status.ContainerStatuses!).State!.Terminated!;
            Assert.True(second.State!.Terminated!.StartedAt >= first.State!.Terminated!.FinishedAt, "the second init container started before the first finished");
            Assert.True(app.StartedAt >= second.State.Terminated.FinishedAt, "the app started before the init containers finished");
            Assert.Contains(pod.Status.Conditions!, c => c.Type == "Initialized" && c.Status == "True");
            var logs = await Cluster.CliAsync("logs", name);
            Assert.Equal("one\ntwo\n", logs.Stdout);
            // Every container in turn, init containers first (the second printed nothing), as kubectl --all-containers.
            var all = await Cluster.CliAsync("logs", name, "--all-containers");
            Assert.Equal("first done\none\ntwo\n", all.Stdout);
        }
        finally
        {
            await DeleteAsync(name);
        }
    }

    [Fact]
    public async Task Create_InitFailsRestartNever_PodFailedAndTheAppNeverStarts()
    {
        var name = await CreateAsync("init-fails", "Never", [Step("setup", "exit 7")], "echo never");
        try
        {
            var pod = await WaitAsync(name, p => p.Status?.Phase == "Failed", "Failed");
            var init = Assert.Single(pod.Status!.InitContainerStatuses!);
            Assert.Equal((7, 0, false), (init.State?.Terminated?.ExitCode, init.RestartCount, init.Ready));
            Assert.Equal("PodInitializing", Assert.Single(pod.Status.ContainerStatuses!).State?.Waiting?.Reason);
            Assert.Contains(pod.Status.Conditions!, c => c.Type == "Initialized" && c.Status == "False");
            var listed = await Cluster.CliAsync("get", "pod", name);
            Assert.True(listed.Stdout.Contains("Init:Error", StringComparison.Ordinal), listed.ToString());
        }
        finally
        {
            await DeleteAsync(name);
        }
    }

    [Fact]
    public async Task Create_InitFailsOnceRestartOnFailure_RunAgainThenTheAppRuns()
    {
        // Fails the first time only: the emptyDir outlives the container, so the second run finds the mark.
        var name = await CreateAsync("init-retry", "OnFailure", [Step("setup", "if [ -f /work/tried ]; then echo ready > /work/out; else touch /work/tried; exit 1; fi")], "cat /work/out");
        try
        {
            var pod = await WaitAsync(name, p => p.Status?.Phase == "Succeeded", "Succeeded after the init container's second run");
            var init = Assert.Single(pod.Status!.InitContainerStatuses!);
            Assert.Equal((0, 1), (init.State?.Terminated?.ExitCode, init.RestartCount));
            Assert.Equal(1, init.LastState?.Terminated?.ExitCode);
            Assert.Equal("ready\n", (await Cluster.CliAsync("logs", name)).Stdout);
        }
        finally
        {
            await DeleteAsync(name);
        }
    }

    private static Container Step(string name, string script) =>
        new() { Name = name, Image = SeedManifests.ImageV1, Command = ["sh", "-c", script], VolumeMounts = [new VolumeMount { Name = "work", MountPath = "/work" }] };

    private async Task<string> CreateAsync(string prefix, string restartPolicy, List<Container> inits, string app)
    {
        var name = prefix + "-" + Guid.NewGuid().ToString("N")[..6];
        using var api = Cluster.Client();
        await api.CreateAsync(ResourceTypes.Pods, new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = name, Namespace = Ns, Labels = new() { ["app"] = "init-e2e" } },
            Spec = new PodSpec
            {
                RestartPolicy = restartPolicy,
                TerminationGracePeriodSeconds = 1,
                Volumes = [new Volume { Name = "work", EmptyDir = new EmptyDirVolumeSource() }],
                InitContainers = inits,
                Containers = [Step("app", app)],
            },
        });
        return name;
    }

    private Task<Pod> WaitAsync(string name, Func<Pod, bool> condition, string what) =>
        Cluster.WaitForPodAsync(Ns, name, "app=init-e2e", condition, TimeSpan.FromSeconds(90), what);

    private async Task DeleteAsync(string name)
    {
        using var api = Cluster.Client();
        await api.DeleteAsync(ResourceTypes.Pods, Ns, name, gracePeriodSeconds: 0).ContinueWith(_ => { }, TaskScheduler.Default);
        await Cluster.WaitAsync(async a => await a.TryGetAsync(ResourceTypes.Pods, Ns, name) is null, TimeSpan.FromSeconds(60), $"pod {name} gone");
    }
}
