using System.Globalization;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Tests.Fixtures;
using Drover.Testing;

namespace Drover.ControlPlane.Tests.Cli;

/// <summary>
/// `rollout status|history|undo|restart|pause|resume` through the built CLI. This branch's droverd runs no
/// Deployment controller, so the test writes what it would: the Deployment's status and its ReplicaSets.
/// </summary>
public sealed class RolloutCliTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverdProcess _server = fixture.Server;
    private readonly DroverClient _client = fixture.Server.Client();

    private async Task<Deployment> DeploymentAsync(string ns) => (Deployment)await _client.GetAsync(ResourceTypes.Deployments, ns, "my-app");

    private static DeploymentStatus Status(long generation, int replicas, int updated, int available, string? progressingReason = null) => new()
    {
        ObservedGeneration = generation,
        Replicas = replicas,
        UpdatedReplicas = updated,
        ReadyReplicas = available,
        AvailableReplicas = available,
        UnavailableReplicas = replicas - available,
        Conditions = progressingReason is null ? null :
            [new DeploymentCondition { Type = "Progressing", Status = progressingReason == "ProgressDeadlineExceeded" ? "False" : "True", Reason = progressingReason }],
    };

    [Fact]
    public async Task RolloutStatus_StatusWrittenByTest_StreamsKubectlLinesAndExitsZero()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await CliStandIns.SeedDeploymentAsync(_server, _client, ns);
        using var cli = CliProcess.Start(_server, "rollout", "status", "deployment/my-app", "-n", ns, "--timeout=60s");
        // Generation 1 not yet observed: nothing written by a controller.
        Assert.Equal("Waiting for deployment spec update to be observed...", await cli.NextLineAsync());

        await CliStandIns.WriteStatusAsync(_client, ns, "my-app", Status(1, replicas: 4, updated: 1, available: 3, "ReplicaSetUpdated"));
        Assert.Equal("Waiting for deployment \"my-app\" rollout to finish: 1 out of 3 new replicas have been updated...", await cli.NextLineAsync());
        await CliStandIns.WriteStatusAsync(_client, ns, "my-app", Status(1, replicas: 4, updated: 3, available: 3, "ReplicaSetUpdated"));
        Assert.Equal("Waiting for deployment \"my-app\" rollout to finish: 1 old replicas are pending termination...", await cli.NextLineAsync());
        await CliStandIns.WriteStatusAsync(_client, ns, "my-app", Status(1, replicas: 3, updated: 3, available: 2, "ReplicaSetUpdated"));
        Assert.Equal("Waiting for deployment \"my-app\" rollout to finish: 2 of 3 updated replicas are available...", await cli.NextLineAsync());
        await CliStandIns.WriteStatusAsync(_client, ns, "my-app", Status(1, replicas: 3, updated: 3, available: 3, "NewReplicaSetAvailable"));
        Assert.Equal("deployment \"my-app\" successfully rolled out", await cli.NextLineAsync());

        var result = await cli.WaitForExitAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
        // Each distinct line once, however many watch events carried it.
        Assert.Equal(5, result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task RolloutStatus_ProgressDeadlineExceeded_ExitsNonZero()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await CliStandIns.SeedDeploymentAsync(_server, _client, ns);
        await CliStandIns.WriteStatusAsync(_client, ns, "my-app", Status(1, replicas: 4, updated: 1, available: 3, "ReplicaSetUpdated"));
        using var cli = CliProcess.Start(_server, "rollout", "status", "deploy/my-app", "-n", ns);
        Assert.Contains("1 out of 3 new replicas have been updated", await cli.NextLineAsync(), StringComparison.Ordinal);

        await CliStandIns.WriteStatusAsync(_client, ns, "my-app", Status(1, replicas: 4, updated: 1, available: 3, "ProgressDeadlineExceeded"));
        var result = await cli.WaitForExitAsync();
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: deployment \"my-app\" exceeded its progress deadline", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RolloutStatus_TimeoutBeforeComplete_ExitsNonZero()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await CliStandIns.SeedDeploymentAsync(_server, _client, ns);
        await CliStandIns.WriteStatusAsync(_client, ns, "my-app", Status(1, replicas: 3, updated: 3, available: 1));
        var result = await CliRunner.RunAsync(_server, "rollout", "status", "deployment", "my-app", "--timeout=2s", "-n", ns);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Waiting for deployment \"my-app\" rollout to finish: 1 of 3 updated replicas are available...\n", result.Stdout);
        Assert.Contains("timed out waiting for the condition", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RolloutStatus_WatchFalse_PrintsCurrentStateAndExitsZero()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await CliStandIns.SeedDeploymentAsync(_server, _client, ns);
        await CliStandIns.WriteStatusAsync(_client, ns, "my-app", Status(1, replicas: 3, updated: 3, available: 1));
        var result = await CliRunner.RunAsync(_server, "rollout", "status", "deployment/my-app", "--watch=false", "-n", ns);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Waiting for deployment \"my-app\" rollout to finish: 1 of 3 updated replicas are available...\n", result.Stdout);
    }

    [Fact]
    public async Task RolloutHistory_StandInReplicaSets_ListsRevisionsAndShowsOne()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var v1 = await CliStandIns.SeedDeploymentAsync(_server, _client, ns);
        await CliStandIns.RevisionAsync(_client, v1, 1);
        await CliRunner.RunAsync(_server, "set", "image", "deployment/my-app", "app=my-app:v2.0", "-n", ns);
        await CliStandIns.RevisionAsync(_client, await DeploymentAsync(ns), 2, "drover set image deployment/my-app app=my-app:v2.0");

        var table = await CliRunner.RunAsync(_server, "rollout", "history", "deployment/my-app", "-n", ns);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Equal(
            "deployment.apps/my-app\n" +
            "REVISION  CHANGE-CAUSE\n" +
            "1         <none>\n" +
            "2         drover set image deployment/my-app app=my-app:v2.0\n\n",
            table.Stdout);

        var one = await CliRunner.RunAsync(_server, "rollout", "history", "deployment/my-app", "--revision=1", "-n", ns);
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.StartsWith("deployment.apps/my-app with revision #1\nPod Template:\n", one.Stdout, StringComparison.Ordinal);
        Assert.Contains("my-app:v1.0", one.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("my-app:v2.0", one.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RolloutUndo_StandInReplicaSets_RestoresPreviousTemplateThenToRevision()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var v1 = await CliStandIns.SeedDeploymentAsync(_server, _client, ns);
        await CliStandIns.RevisionAsync(_client, v1, 1);
        await CliRunner.RunAsync(_server, "set", "image", "deployment/my-app", "app=my-app:v2.0", "-n", ns);
        await CliStandIns.RevisionAsync(_client, await DeploymentAsync(ns), 2);

        var undo = await CliRunner.RunAsync(_server, "rollout", "undo", "deployment/my-app", "-n", ns);
        Assert.True(undo.ExitCode == 0, undo.ToString());
        Assert.Equal("deployment.apps/my-app rolled back\n", undo.Stdout);
        var restored = await DeploymentAsync(ns);
        Assert.Equal("my-app:v1.0", restored.Spec.Template.Spec.Containers[0].Image);
        Assert.False(restored.Spec.Template.Metadata!.Labels!.ContainsKey("pod-template-hash"));

        // The template now matches revision 1: going there again changes nothing.
        var skipped = await CliRunner.RunAsync(_server, "rollout", "undo", "deployment/my-app", "--to-revision=1", "-n", ns);
        Assert.Equal("deployment.apps/my-app skipped rollback (current template already matches revision 1)\n", skipped.Stdout);

        var toTwo = await CliRunner.RunAsync(_server, "rollout", "undo", "deployment/my-app", "--to-revision=2", "-n", ns);
        Assert.True(toTwo.ExitCode == 0, toTwo.ToString());
        Assert.Equal("my-app:v2.0", (await DeploymentAsync(ns)).Spec.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public async Task RolloutUndo_NoHistoryOrUnknownRevision_ClearErrorsExitNonZero()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var v1 = await CliStandIns.SeedDeploymentAsync(_server, _client, ns);
        var none = await CliRunner.RunAsync(_server, "rollout", "undo", "deployment/my-app", "-n", ns);
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("no rollout history found for deployment \"my-app\"", none.Stderr, StringComparison.Ordinal);

        await CliStandIns.RevisionAsync(_client, v1, 1);
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
