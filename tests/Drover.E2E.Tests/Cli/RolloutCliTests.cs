using System.Globalization;
using Drover.Api;
using Drover.Api.Client;

using Drover.Testing;

namespace Drover.E2E.Cli.Tests;

/// <summary>
/// `rollout status|history|undo|restart|pause|resume` through the built CLI against droverd's real Deployment
/// and ReplicaSet controllers; <see cref="KubeletStandIn"/> reports pods ready (there are no agents here).
/// </summary>
[Trait("Category", "Process")]
public sealed class RolloutCliTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverdProcess _server = fixture.Server;
    private readonly DroverClient _client = fixture.Server.Client();
    private readonly KubeletStandIn _kubelet = new(fixture.Server.Client());

    private async Task<Deployment> DeploymentAsync(string ns) => await _client.GetAsync(ResourceTypes.Deployments, ns, "my-app");

    private Task<Deployment> UntilAsync(string ns, Func<Deployment, bool> condition, string what) =>
        Poll.UntilAsync(() => DeploymentAsync(ns), condition, TimeSpan.FromSeconds(60), what);

    /// <summary>The seed Deployment once its controller has observed it and created its three pods.</summary>
    private async Task<Deployment> SeedObservedAsync(string ns, string? extraSpec = null)
    {
        await CliStandIns.SeedDeploymentAsync(_server, _client, ns, extraSpec);
        return await UntilAsync(ns, d => d.Status is { } s && s.ObservedGeneration == d.Metadata.Generation && s.UpdatedReplicas == 3, "the controller to create 3 replicas");
    }

    private async Task<List<Pod>> UnreadyPodsAsync(string ns) =>
        [.. (await _client.ListAsync(ResourceTypes.Pods, ns)).Items.Cast<Pod>().Where(p => p.Metadata.DeletionTimestamp is null && !KubeletStandIn.IsReady(p))];

    [Fact]
    public async Task RolloutStatus_PodsBecomeReadyOneByOne_StreamsKubectlLinesAndExitsZero()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await SeedObservedAsync(ns);
        using var cli = CliProcess.Start(_server, "rollout", "status", "deployment/my-app", "-n", ns, "--timeout=60s");
        Assert.Equal("Waiting for deployment \"my-app\" rollout to finish: 0 of 3 updated replicas are available...", await cli.NextLineAsync());

        for (var ready = 1; ready <= 2; ready++)
        {
            var pod = (await UnreadyPodsAsync(ns))[0];
            await _kubelet.MarkReadyAsync(ns, p => p.Metadata.Name == pod.Metadata.Name);
            Assert.Equal($"Waiting for deployment \"my-app\" rollout to finish: {ready} of 3 updated replicas are available...", await cli.NextLineAsync());
        }
        await _kubelet.MarkReadyAsync(ns);
        Assert.Equal("deployment \"my-app\" successfully rolled out", await cli.NextLineAsync());

        var result = await cli.WaitForExitAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
        // Each distinct line once, however many watch events carried it.
        Assert.Equal(4, result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task RolloutStatus_SetImage_StreamsRollingUpdateAndExitsZero()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await SeedObservedAsync(ns);
        await _kubelet.MarkReadyAsync(ns);
        await UntilAsync(ns, d => d.Status?.AvailableReplicas == 3, "v1 available");
        using var keepReady = new CancellationTokenSource();
        var kubelet = _kubelet.KeepReadyAsync(ns, TimeSpan.FromMilliseconds(300), keepReady.Token);

        var set = await CliRunner.RunAsync(_server, "set", "image", "deployment/my-app", "app=my-app:v2.0", "-n", ns);
        Assert.True(set.ExitCode == 0, set.ToString());
        var status = await CliRunner.RunAsync(_server, "rollout", "status", "deployment/my-app", "-n", ns, "--timeout=60s");
        await keepReady.CancelAsync();
        await kubelet;

        Assert.True(status.ExitCode == 0, status.ToString());
        var lines = status.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("deployment \"my-app\" successfully rolled out", lines[^1]);
        Assert.All(lines[..^1], l => Assert.StartsWith("Waiting for deployment", l, StringComparison.Ordinal));
        Assert.Equal(lines.Length, lines.Distinct().Count());
        Assert.All(await _client.ListAsync(ResourceTypes.Pods, ns) is var pods ? pods.Items.Cast<Pod>().Where(p => p.Metadata.DeletionTimestamp is null) : [],
            p => Assert.Equal("my-app:v2.0", p.Spec.Containers[0].Image));
    }

    [Fact]
    public async Task RolloutStatus_ProgressDeadlineExceeded_ExitsNonZero()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        // progressDeadlineSeconds: 2 and no pod ever ready: the controller reports ProgressDeadlineExceeded.
        await SeedObservedAsync(ns, "  progressDeadlineSeconds: 2\n");
        using var cli = CliProcess.Start(_server, "rollout", "status", "deploy/my-app", "-n", ns, "--timeout=60s");
        var result = await cli.WaitForExitAsync();
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: deployment \"my-app\" exceeded its progress deadline", result.Stderr, StringComparison.Ordinal);
        var condition = Assert.Single((await DeploymentAsync(ns)).Status!.Conditions!, c => c.Type == "Progressing");
        Assert.Equal(("False", "ProgressDeadlineExceeded"), (condition.Status, condition.Reason));
    }

    [Fact]
    public async Task RolloutStatus_TimeoutBeforeComplete_ExitsNonZero()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await SeedObservedAsync(ns);
        var result = await CliRunner.RunAsync(_server, "rollout", "status", "deployment", "my-app", "--timeout=5s", "-n", ns);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Waiting for deployment \"my-app\" rollout to finish: 0 of 3 updated replicas are available...\n", result.Stdout);
        Assert.Contains("timed out waiting for the condition", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RolloutStatus_WatchFalse_PrintsCurrentStateAndExitsZero()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await SeedObservedAsync(ns);
        var pod = (await UnreadyPodsAsync(ns))[0];
        await _kubelet.MarkReadyAsync(ns, p => p.Metadata.Name == pod.Metadata.Name);
        await UntilAsync(ns, d => d.Status?.AvailableReplicas == 1, "one available replica");
        var result = await CliRunner.RunAsync(_server, "rollout", "status", "deployment/my-app", "--watch=false", "-n", ns);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Waiting for deployment \"my-app\" rollout to finish: 1 of 3 updated replicas are available...\n", result.Stdout);
    }

    /// <summary>v1 then v2 (with a change-cause, which the controller copies onto the new ReplicaSet), both observed.</summary>
    private async Task TwoRevisionsAsync(string ns)
    {
        await SeedObservedAsync(ns);
        // The controller may still write the status (a new resourceVersion) after the one SeedObservedAsync saw: read,
        // change and write again on a conflict, as kubectl edit does.
        await ConflictRetry.RetryOnConflictAsync(async _ =>
        {
            var v1 = await DeploymentAsync(ns);
            var template = v1.Spec.Template;
            var v2 = v1 with
            {
                Metadata = v1.Metadata with { Annotations = new Dictionary<string, string>(v1.Metadata.Annotations ?? []) { ["kubernetes.io/change-cause"] = "image v2.0" } },
                Spec = v1.Spec with { Template = template with { Spec = template.Spec with { Containers = [template.Spec.Containers[0] with { Image = "my-app:v2.0" }] } } },
            };
            await _client.UpdateAsync(ResourceTypes.Deployments, v2);
        }, maxAttempts: 10);
        await UntilAsync(ns, d => d.Metadata.Annotations?.GetValueOrDefault(WellKnownAnnotations.DeploymentRevision) == "2", "revision 2");
    }

    [Fact]
    public async Task RolloutHistory_TwoRevisions_ListsRevisionsAndShowsOne()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await TwoRevisionsAsync(ns);

        var table = await CliRunner.RunAsync(_server, "rollout", "history", "deployment/my-app", "-n", ns);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Equal(
            "deployment.apps/my-app\n" +
            "REVISION  CHANGE-CAUSE\n" +
            "1         <none>\n" +
            "2         image v2.0\n\n",
            table.Stdout);

        var one = await CliRunner.RunAsync(_server, "rollout", "history", "deployment/my-app", "--revision=1", "-n", ns);
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.StartsWith("deployment.apps/my-app with revision #1\nPod Template:\n", one.Stdout, StringComparison.Ordinal);
        Assert.Contains("my-app:v1.0", one.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("my-app:v2.0", one.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RolloutUndo_TwoRevisions_RestoresPreviousTemplateAsRevisionThreeThenToRevision()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await TwoRevisionsAsync(ns);

        var undo = await CliRunner.RunAsync(_server, "rollout", "undo", "deployment/my-app", "-n", ns);
        Assert.True(undo.ExitCode == 0, undo.ToString());
        Assert.Equal("deployment.apps/my-app rolled back\n", undo.Stdout);
        var restored = await UntilAsync(ns, d => d.Metadata.Annotations?.GetValueOrDefault(WellKnownAnnotations.DeploymentRevision) == "3", "v1 back as revision 3");
        Assert.Equal("my-app:v1.0", restored.Spec.Template.Spec.Containers[0].Image);
        Assert.False(restored.Spec.Template.Metadata!.Labels!.ContainsKey("pod-template-hash"));

        // The template now matches revision 3 (v1); revision 1 was renumbered, so it is gone from history.
        var history = await CliRunner.RunAsync(_server, "rollout", "history", "deployment/my-app", "-n", ns);
        Assert.Contains("\n2         image v2.0\n3         <none>\n", history.Stdout, StringComparison.Ordinal);
        var skipped = await CliRunner.RunAsync(_server, "rollout", "undo", "deployment/my-app", "--to-revision=3", "-n", ns);
        Assert.Equal("deployment.apps/my-app skipped rollback (current template already matches revision 3)\n", skipped.Stdout);

        var toTwo = await CliRunner.RunAsync(_server, "rollout", "undo", "deployment/my-app", "--to-revision=2", "-n", ns);
        Assert.True(toTwo.ExitCode == 0, toTwo.ToString());
        Assert.Equal("my-app:v2.0", (await UntilAsync(ns, d => d.Metadata.Annotations?.GetValueOrDefault(WellKnownAnnotations.DeploymentRevision) == "4", "v2 back as revision 4")).Spec.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public async Task RolloutUndo_NoHistoryOrUnknownRevision_ClearErrorsExitNonZero()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await SeedObservedAsync(ns);
        var none = await CliRunner.RunAsync(_server, "rollout", "undo", "deployment/my-app", "-n", ns);
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("no rollout history found for deployment \"my-app\"", none.Stderr, StringComparison.Ordinal);

        var unknown = await CliRunner.RunAsync(_server, "rollout", "undo", "deployment/my-app", "--to-revision=4", "-n", ns);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("unable to find specified revision 4 in history (known revisions: 1)", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal("my-app:v1.0", (await DeploymentAsync(ns)).Spec.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public async Task RolloutRestart_Deployment_SetsRestartedAtAnnotationToNow()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var before = await CliStandIns.SeedDeploymentAsync(_server, _client, ns);
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        var result = await CliRunner.RunAsync(_server, "rollout", "restart", "deployment/my-app", "-n", ns);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("deployment.apps/my-app restarted\n", result.Stdout);
        var after = await DeploymentAsync(ns);
        var stamp = DateTimeOffset.Parse(after.Spec.Template.Metadata!.Annotations!["kubectl.kubernetes.io/restartedAt"], CultureInfo.InvariantCulture);
        Assert.InRange(stamp, started.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(before.Metadata.Generation + 1, after.Metadata.Generation);
    }

    [Fact]
    public async Task RolloutPauseResume_Deployment_TogglesPausedAndGuardsRestart()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await CliStandIns.SeedDeploymentAsync(_server, _client, ns);
        var pause = await CliRunner.RunAsync(_server, "rollout", "pause", "deployment/my-app", "-n", ns);
        Assert.Equal("deployment.apps/my-app paused\n", pause.Stdout);
        Assert.True((await DeploymentAsync(ns)).Spec.Paused);

        var again = await CliRunner.RunAsync(_server, "rollout", "pause", "deployment/my-app", "-n", ns);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("error: deployments.apps \"my-app\" is already paused", again.Stderr, StringComparison.Ordinal);
        var restart = await CliRunner.RunAsync(_server, "rollout", "restart", "deployment/my-app", "-n", ns);
        Assert.Equal(1, restart.ExitCode);
        Assert.Contains("can't restart paused deployment", restart.Stderr, StringComparison.Ordinal);

        var resume = await CliRunner.RunAsync(_server, "rollout", "resume", "deployment/my-app", "-n", ns);
        Assert.Equal("deployment.apps/my-app resumed\n", resume.Stdout);
        Assert.NotEqual(true, (await DeploymentAsync(ns)).Spec.Paused);
        Assert.Contains("is not paused", (await CliRunner.RunAsync(_server, "rollout", "resume", "deployment/my-app", "-n", ns)).Stderr, StringComparison.Ordinal);
    }
}
