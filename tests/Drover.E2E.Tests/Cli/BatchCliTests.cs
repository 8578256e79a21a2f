using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.E2E.Cli.Tests;

/// <summary>`create job --from=cronjob/…` and `get` of the batch kinds through the built CLI against a real droverd.</summary>
[Trait("Category", "Process")]
public sealed class BatchCliTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverdProcess _server = fixture.Server;
    private readonly DroverClient _client = fixture.Server.Client();

    [Fact]
    public async Task CreateJobFromCronJob_RunsItsTemplateNowOwnedByTheCronJob()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var cronJob = await _client.CreateAsync(ResourceTypes.CronJobs, new CronJob
        {
            ApiVersion = "batch/v1",
            Kind = "CronJob",
            Metadata = new ObjectMeta { Name = "nightly", Namespace = ns },
            Spec = new CronJobSpec
            {
                Schedule = "0 3 * * *",
                JobTemplate = new JobTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = new() { ["app"] = "upload" } },
                    Spec = new JobSpec { Template = new PodTemplateSpec { Spec = new PodSpec { RestartPolicy = "OnFailure", Containers = [new Container { Name = "upload", Image = "uploader:1" }] } } },
                },
            },
        });

        var result = await CliRunner.RunAsync(_server, "create", "job", "manual-run", "--from=cronjob/nightly", "-n", ns);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("job.batch/manual-run created\n", result.Stdout);
        var job = await _client.GetAsync(ResourceTypes.Jobs, ns, "manual-run");
        Assert.Equal("manual", job.Metadata.Annotations!["cronjob.kubernetes.io/instantiate"]);
        Assert.Equal(cronJob.Metadata.Uid, Assert.Single(job.Metadata.OwnerReferences!).Uid);
        Assert.Equal("upload", job.Metadata.Labels!["app"]);
        await Poll.UntilAsync(async () => (await _client.ListAsync(ResourceTypes.Pods, ns, labelSelector: "batch.kubernetes.io/job-name=manual-run")).Items, pods => pods.Count == 1, "the Job's pod");

        // The CronJob controller counts the Job as active once it has seen it.
        var table = await Poll.UntilAsync(() => CliRunner.RunAsync(_server, "get", "cronjobs", "-n", ns),
            r => System.Text.RegularExpressions.Regex.IsMatch(r.Stdout, @"(?m)^nightly\s+0 3 \* \* \*\s+<none>\s+False\s+1\s+<none>\s+\d+s$"), "nightly with one active Job");
        Assert.Matches(@"^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\n", table.Stdout);

        var wrong = await CliRunner.RunAsync(_server, "create", "job", "x", "--from=deployment/nightly", "-n", ns);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("from must be an existing cronjob", wrong.Stderr, StringComparison.Ordinal);
    }
}
