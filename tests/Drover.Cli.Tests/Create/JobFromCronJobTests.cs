using Drover.Api;
using Drover.Cli.Commands;

namespace Drover.Cli.Create.Tests;

public sealed class JobFromCronJobTests
{
    [Fact]
    public void Build_CronJob_TemplateNowOwnedAndMarkedManual()
    {
        var cronJob = new CronJob
        {
            Metadata = new ObjectMeta { Name = "nightly", Namespace = "ns", Uid = "cj-uid" },
            Spec = new CronJobSpec
            {
                Schedule = "0 3 * * *",
                JobTemplate = new JobTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = new() { ["app"] = "upload" }, Annotations = new() { ["team"] = "edge" } },
                    Spec = new JobSpec { BackoffLimit = 2 },
                },
            },
        };

        var job = JobFromCronJob.Build(cronJob, "manual-run");

        Assert.Equal(("manual-run", "ns", 2), (job.Metadata.Name, job.Metadata.Namespace, job.Spec.BackoffLimit));
        Assert.Equal(("manual", "edge"), (job.Metadata.Annotations![JobFromCronJob.InstantiateAnnotation], job.Metadata.Annotations["team"]));
        var owner = Assert.Single(job.Metadata.OwnerReferences!);
        Assert.Equal(("batch/v1", "CronJob", "nightly", "cj-uid", true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller));
    }

    [Theory]
    [InlineData("cronjob/nightly", "nightly")]
    [InlineData("cj/nightly", "nightly")]
    [InlineData("cronjobs.batch/nightly", "nightly")]
    public void CronJobName_KubectlForms_Name(string from, string expected) =>
        Assert.Equal(expected, CreateCommand.CronJobName(from));

    [Theory]
    [InlineData(null, "--from=cronjob/NAME is required")]
    [InlineData("nightly", "must be of the form cronjob/NAME")]
    [InlineData("cronjob/", "must be of the form cronjob/NAME")]
    [InlineData("deployment/web", "must be an existing cronjob")]
    public void CronJobName_Other_Refused(string? from, string why) =>
        Assert.Contains(why, Assert.Throws<CliException>(() => CreateCommand.CronJobName(from)).Message, StringComparison.Ordinal);
}
