namespace Drover.Api.Tests;

/// <summary>CronJob defaulting and validation as Kubernetes' batch/v1: a 422 names the field.</summary>
public class CronJobValidationTests
{
    private const string CronJob = """
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: nightly-upload
          namespace: default
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                    - name: upload
                      image: uploader:1
        """;

    [Fact]
    public void ApplyDefaults_Bare_KubernetesDefaults()
    {
        var cronJob = (CronJob)ObjectDefaulter.ApplyDefaults(Manifests.Decode(CronJob));

        Assert.Equal(("Allow", false, 3, 1), (cronJob.Spec.ConcurrencyPolicy, cronJob.Spec.Suspend, cronJob.Spec.SuccessfulJobsHistoryLimit, cronJob.Spec.FailedJobsHistoryLimit));
        Assert.Equal(30, cronJob.Spec.JobTemplate.Spec.Template.Spec.TerminationGracePeriodSeconds);
        Manifests.AssertNoErrors(ObjectValidator.Validate(cronJob));
    }

    [Theory]
    [InlineData("\"0 3 * * *\"", "\"0 3 * *\"", "spec.schedule", FieldErrorType.Invalid)]
    [InlineData("\"0 3 * * *\"", "\"61 3 * * *\"", "spec.schedule", FieldErrorType.Invalid)]
    [InlineData("\"0 3 * * *\"", "\"@sometimes\"", "spec.schedule", FieldErrorType.Invalid)]
    [InlineData("\"0 3 * * *\"", "\"\"", "spec.schedule", FieldErrorType.Required)]
    [InlineData("  jobTemplate:", "  timeZone: Atlantis/Lost\n  jobTemplate:", "spec.timeZone", FieldErrorType.Invalid)]
    [InlineData("  jobTemplate:", "  concurrencyPolicy: Sometimes\n  jobTemplate:", "spec.concurrencyPolicy", FieldErrorType.NotSupported)]
    [InlineData("  jobTemplate:", "  startingDeadlineSeconds: -1\n  jobTemplate:", "spec.startingDeadlineSeconds", FieldErrorType.Invalid)]
    [InlineData("  jobTemplate:", "  successfulJobsHistoryLimit: -1\n  jobTemplate:", "spec.successfulJobsHistoryLimit", FieldErrorType.Invalid)]
    [InlineData("  jobTemplate:", "  failedJobsHistoryLimit: -1\n  jobTemplate:", "spec.failedJobsHistoryLimit", FieldErrorType.Invalid)]
    [InlineData("restartPolicy: OnFailure", "restartPolicy: Always", "spec.jobTemplate.spec.template.spec.restartPolicy", FieldErrorType.NotSupported)]
    [InlineData("      template:", "      backoffLimit: -1\n      template:", "spec.jobTemplate.spec.backoffLimit", FieldErrorType.Invalid)]
    [InlineData("name: nightly-upload", "name: a-cronjob-name-that-is-much-too-long-for-its-jobs-names", "metadata.name", FieldErrorType.Invalid)]
    public void Validate_BadField_ErrorNamesIt(string find, string replace, string field, FieldErrorType type)
    {
        var yaml = CronJob.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(CronJob, yaml);

        Manifests.AssertError(Manifests.DefaultAndValidate(yaml), field, type);
    }
}
