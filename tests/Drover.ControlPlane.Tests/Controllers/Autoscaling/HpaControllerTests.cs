using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;
using Xunit.Abstractions;

namespace Drover.ControlPlane.Controllers.Autoscaling.Tests;

/// <summary>A droverd whose HPA controller syncs every second and stabilises scale-downs over 3 s.</summary>
public sealed class FastHpaDroverdFixture : IAsyncLifetime
{
    private DroverdProcess? _server;

    public DroverdProcess Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() =>
        _server = await DroverdProcess.StartAsync(null,
            "--horizontal-pod-autoscaler-sync-period", "1s",
            "--horizontal-pod-autoscaler-downscale-stabilization", "3s",
            "--horizontal-pod-autoscaler-cpu-initialization-period", "0s");

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}

/// <summary>
/// The HPA controller inside a real droverd: the seed Deployment and HPA, pods reported running by a kubelet stand-in
/// and their cpu by an agent-report stand-in, and the Deployment's replicas, the HPA status and Events checked.
/// </summary>
[Trait("Category", "Process")]
public sealed class HpaControllerTests(FastHpaDroverdFixture fixture, ITestOutputHelper output) : IClassFixture<FastHpaDroverdFixture>
{
    private readonly DroverClient _admin = fixture.Server.Client();

    private async Task<string> ApplySeedAsync(string? hpaYaml = null)
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        var deployment = Manifests.Decode<Deployment>(Manifests.Seed("seed-deployment.yaml"));
        await _admin.CreateAsync(ResourceTypes.Deployments, deployment with { Metadata = deployment.Metadata with { Namespace = ns } });
        var hpa = Manifests.Decode<HorizontalPodAutoscaler>(hpaYaml ?? Manifests.Seed("seed-hpa.yaml"));
        await _admin.CreateAsync(ResourceTypes.HorizontalPodAutoscalers, hpa with { Metadata = hpa.Metadata with { Namespace = ns } });
        return ns;
    }

    private async Task<int> ReplicasAsync(string ns) =>
        (await _admin.GetAsync(ResourceTypes.Deployments, ns, "my-app")).Spec.Replicas ?? 1;

    private async Task<HorizontalPodAutoscaler> HpaAsync(string ns) =>
        await _admin.GetAsync(ResourceTypes.HorizontalPodAutoscalers, ns, "my-app-hpa");

    [Fact]
    public async Task SeedHpa_CpuAboveTarget_ScalesUp_ThenBackToMinAfterWindow()
    {
        var ns = await ApplySeedAsync();
        long millicores = 250; // 100 % of the 250m request, target 70 %
        using var stop = new CancellationTokenSource();
        var kubelet = new KubeletStandIn(_admin).KeepReadyAsync(ns, TimeSpan.FromMilliseconds(200), stop.Token);
        var agent = UsageReports.KeepReportingAsync(_admin, "hpa-node-" + ns, ns, () => Interlocked.Read(ref millicores), TimeSpan.FromMilliseconds(500), stop.Token);
        try
        {
            // 3 replicas at 100 % / 70 % → ceil(4.29) = 5, the second step maybe more as new pods report too.
            var up = await Poll.UntilAsync(() => ReplicasAsync(ns), r => r >= 5, "the HPA to scale my-app up");
            output.WriteLine($"scaled up to {up}");
            // A sync while a new pod has no sample yet writes an empty metric entry, as Kubernetes does: wait for a computed one.
            var hpa = await Poll.UntilAsync(() => HpaAsync(ns), h => h.Status?.CurrentMetrics is [{ Resource: not null }, ..], "the HPA status to show the metric");
            Assert.Equal(100, hpa.Status!.CurrentMetrics![0].Resource!.Current.AverageUtilization);
            Assert.NotNull(hpa.Status.LastScaleTime);
            Assert.Contains(hpa.Status.Conditions!, c => c is { Type: "ScalingActive", Status: "True", Reason: "ValidMetricFound" });

            Interlocked.Exchange(ref millicores, 10); // load stops
            var down = await Poll.UntilAsync(() => ReplicasAsync(ns), r => r == 2, "the HPA to scale my-app back to minReplicas");
            Assert.Equal(2, down);
            // Events are written asynchronously; the last rescale's may trail the Deployment's update a little.
            var events = await Poll.UntilAsync(
                async () => (await _admin.ListAsync(ResourceTypes.Events, ns)).Items.Cast<Event>().Where(e => e.Reason == "SuccessfulRescale").ToList(),
                list => list.Any(e => e.Message == "New size: 2; reason: All metrics below target"), "the scale-down Event");
            foreach (var e in events)
                output.WriteLine($"{e.LastTimestamp:HH:mm:ss} {e.Message}");
            Assert.Contains(events, e => e.Message!.StartsWith("New size: 5; reason: cpu resource utilization (percentage of request) above target", StringComparison.Ordinal));
            // The HPA writes its status after the scale it decided: wait for the status of the scale-down too.
            var limited = await Poll.UntilAsync(() => HpaAsync(ns), h => h.Status?.Conditions?.Any(c => c.Type == "ScalingLimited" && c.Status == "True") == true,
                "the HPA status to show the scale-down limited by minReplicas");
            Assert.Contains(limited.Status!.Conditions!, c => c is { Type: "ScalingLimited", Status: "True", Reason: "TooFewReplicas" });
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(kubelet, agent);
        }
    }

    [Fact]
    public async Task PodsWithoutCpuRequests_ConditionNamesThePod_NoScaling()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        var deployment = Manifests.Decode<Deployment>(Manifests.Seed("seed-deployment.yaml"));
        var container = deployment.Spec.Template.Spec.Containers[0] with { Resources = null };
        deployment = deployment with
        {
            Metadata = deployment.Metadata with { Namespace = ns },
            Spec = deployment.Spec with { Template = deployment.Spec.Template with { Spec = deployment.Spec.Template.Spec with { Containers = [container] } } },
        };
        await _admin.CreateAsync(ResourceTypes.Deployments, deployment);
        var hpa = Manifests.Decode<HorizontalPodAutoscaler>(Manifests.Seed("seed-hpa.yaml"));
        await _admin.CreateAsync(ResourceTypes.HorizontalPodAutoscalers, hpa with { Metadata = hpa.Metadata with { Namespace = ns } });
        using var stop = new CancellationTokenSource();
        var kubelet = new KubeletStandIn(_admin).KeepReadyAsync(ns, TimeSpan.FromMilliseconds(200), stop.Token);
        var agent = UsageReports.KeepReportingAsync(_admin, "hpa-node-" + ns, ns, () => 900, TimeSpan.FromMilliseconds(500), stop.Token);
        try
        {
            var failed = await Poll.UntilAsync(() => HpaAsync(ns),
                // Before the first pod exists the message is "no pods returned by selector": wait for the pods' one.
                h => h.Status?.Conditions?.Any(c => c is { Type: "ScalingActive", Reason: "FailedGetResourceMetric" } && c.Message!.Contains("missing request", StringComparison.Ordinal)) == true,
                "the HPA to report the missing requests");
            var condition = failed.Status!.Conditions!.Single(c => c.Type == "ScalingActive");
            output.WriteLine(condition.Message);
            Assert.Equal("False", condition.Status);
            Assert.Matches("^the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod my-app-[a-z0-9]+-[a-z0-9]+$", condition.Message);
            Assert.Equal(3, await ReplicasAsync(ns));
            var warning = await Poll.UntilAsync(async () => (await _admin.ListAsync(ResourceTypes.Events, ns)).Items.Cast<Event>().ToList(),
                events => events.Any(e => e.Reason == "FailedComputeMetricsReplicas"), "a FailedComputeMetricsReplicas event");
            Assert.Contains(warning, e => e.Type == "Warning" && e.Message!.StartsWith("invalid metrics (1 invalid out of 1), first error is: failed to get cpu utilization: missing request for cpu", StringComparison.Ordinal));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(kubelet, agent);
        }
    }

    [Fact]
    public async Task ReplicaSetTarget_AverageValueTarget_ScaledThroughItsReplicas()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        var template = Manifests.Decode<Deployment>(Manifests.Seed("seed-deployment.yaml")).Spec.Template;
        await _admin.CreateAsync(ResourceTypes.ReplicaSets, new ReplicaSet
        {
            ApiVersion = "apps/v1",
            Kind = "ReplicaSet",
            Metadata = new ObjectMeta { Name = "my-rs", Namespace = ns },
            Spec = new ReplicaSetSpec { Replicas = 2, Selector = new LabelSelector { MatchLabels = new() { ["app"] = "my-app" } }, Template = template },
        });
        await _admin.CreateAsync(ResourceTypes.HorizontalPodAutoscalers, Manifests.Decode<HorizontalPodAutoscaler>($$"""
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: rs-hpa
              namespace: {{ns}}
            spec:
              scaleTargetRef:
                apiVersion: apps/v1
                kind: ReplicaSet
                name: my-rs
              minReplicas: 1
              maxReplicas: 4
              metrics:
                - type: Resource
                  resource:
                    name: cpu
                    target:
                      type: AverageValue
                      averageValue: 100m
            """));
        using var stop = new CancellationTokenSource();
        var kubelet = new KubeletStandIn(_admin).KeepReadyAsync(ns, TimeSpan.FromMilliseconds(200), stop.Token);
        // 200m each against an average target of 100m: twice the pods.
        var agent = UsageReports.KeepReportingAsync(_admin, "hpa-node-" + ns, ns, () => 200, TimeSpan.FromMilliseconds(500), stop.Token);
        try
        {
            var replicas = await Poll.UntilAsync(
                async () => (await _admin.GetAsync(ResourceTypes.ReplicaSets, ns, "my-rs")).Spec.Replicas,
                r => r == 4, "the HPA to scale the ReplicaSet to 4");
            // The status (with the metric it read) is written after the scale itself. A sync while no pod has a sample
            // writes an empty metric entry (and keeps the desired count), as Kubernetes does: wait for a computed one.
            var hpa = await Poll.UntilAsync(
                async () => await _admin.GetAsync(ResourceTypes.HorizontalPodAutoscalers, ns, "rs-hpa"),
                h => h.Status?.CurrentMetrics is [{ Resource: not null }, ..] && h.Status.DesiredReplicas == 4, "the HPA status to show the metric");

            Assert.Equal(4, replicas);
            Assert.Equal("200m", hpa.Status!.CurrentMetrics![0].Resource!.Current.AverageValue!.Value.ToString());
            Assert.Null(hpa.Status.CurrentMetrics[0].Resource!.Current.AverageUtilization);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(kubelet, agent);
        }
    }

    [Fact]
    public async Task MissingTarget_AbleToScaleFalse_FailedGetScale()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        var hpa = Manifests.Decode<HorizontalPodAutoscaler>(Manifests.Seed("seed-hpa.yaml"));
        await _admin.CreateAsync(ResourceTypes.HorizontalPodAutoscalers, hpa with { Metadata = hpa.Metadata with { Namespace = ns } });

        var failed = await Poll.UntilAsync(() => HpaAsync(ns),
            h => h.Status?.Conditions?.Any(c => c.Type == "AbleToScale") == true, "the HPA to report the missing target");

        var condition = failed.Status!.Conditions!.Single(c => c.Type == "AbleToScale");
        Assert.Equal(("False", "FailedGetScale"), (condition.Status, condition.Reason));
        Assert.Equal("the HPA controller was unable to get the target's current scale: deployments.apps \"my-app\" not found", condition.Message);
    }

    [Fact]
    public async Task GetAndDescribeHpa_ShowTheControllersMeasurementAsKubectlDoes()
    {
        var ns = await ApplySeedAsync();
        using var stop = new CancellationTokenSource();
        var kubelet = new KubeletStandIn(_admin).KeepReadyAsync(ns, TimeSpan.FromMilliseconds(200), stop.Token);
        // 115m of a 250m request: 46 %, below the 70 % target.
        var agent = UsageReports.KeepReportingAsync(_admin, "hpa-node-" + ns, ns, () => 115, TimeSpan.FromMilliseconds(500), stop.Token);
        try
        {
            await Poll.UntilAsync(() => HpaAsync(ns), h => h.Status?.CurrentMetrics?.FirstOrDefault()?.Resource?.Current.AverageUtilization == 46, "the HPA to measure 46 %");

            var get = await CliRunner.RunAsync(fixture.Server, "get", "hpa", "-n", ns);
            var describe = await CliRunner.RunAsync(fixture.Server, "describe", "hpa", "my-app-hpa", "-n", ns);

            output.WriteLine(get.Stdout);
            output.WriteLine(describe.Stdout);
            Assert.True(get.ExitCode == 0, get.ToString());
            var lines = get.Stdout.Split('\n');
            Assert.Matches(@"^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$", lines[0]);
            Assert.Matches(@"^my-app-hpa\s+Deployment/my-app\s+46%/70%\s+2\s+10\s+[23]\s+\d+s$", lines[1]);
            Assert.True(describe.ExitCode == 0, describe.ToString());
            Assert.Matches(@"Reference:\s+Deployment/my-app", describe.Stdout);
            Assert.Matches(@"resource cpu on pods  \(as a percentage of request\):\s+46% \(115m\) / 70%", describe.Stdout);
            Assert.Matches(@"Min replicas:\s+2", describe.Stdout);
            Assert.Matches(@"Max replicas:\s+10", describe.Stdout);
            Assert.Matches(@"Deployment pods:\s+[23] current / [23] desired", describe.Stdout);
            Assert.Matches(@"ScalingActive\s+True\s+ValidMetricFound\s+the HPA was able to successfully calculate a replica count from cpu resource utilization \(percentage of request\)", describe.Stdout);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(kubelet, agent);
        }
    }

    [Fact]
    public async Task TargetAboveMax_ScaledDownToMaxAtOnce()
    {
        var ns = await ApplySeedAsync();
        await _admin.PatchScaleAsync(ResourceTypes.Deployments, ns, "my-app", 14);

        var replicas = await Poll.UntilAsync(() => ReplicasAsync(ns), r => r == 10, "the HPA to bring my-app to maxReplicas");

        Assert.Equal(10, replicas);
    }
}
